using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "resources",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    resource_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    version_id = table.Column<int>(type: "integer", nullable: false),
                    is_current = table.Column<bool>(type: "boolean", nullable: false),
                    is_deleted = table.Column<bool>(type: "boolean", nullable: false),
                    method = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    last_updated = table.Column<Instant>(type: "timestamp with time zone", nullable: false),
                    json = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resources", x => x.row_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_resources_last_updated",
                table: "resources",
                column: "last_updated");

            migrationBuilder.CreateIndex(
                name: "ix_resources_type_row",
                table: "resources",
                columns: new[] { "resource_type", "row_id" });

            migrationBuilder.CreateIndex(
                name: "ux_resources_current",
                table: "resources",
                columns: new[] { "resource_type", "resource_id" },
                unique: true,
                filter: "is_current");

            migrationBuilder.CreateIndex(
                name: "ux_resources_version",
                table: "resources",
                columns: new[] { "resource_type", "resource_id", "version_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resources");
        }
    }
}
