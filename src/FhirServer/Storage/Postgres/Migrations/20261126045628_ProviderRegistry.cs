using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ProviderRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "directory_duplicate_keys",
                columns: table => new
                {
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    resource_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    block_key = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directory_duplicate_keys", x => new { x.resource_type, x.block_key, x.resource_id });
                });

            migrationBuilder.CreateTable(
                name: "directory_potential_duplicates",
                columns: table => new
                {
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    first_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    second_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    weight = table.Column<double>(type: "double precision", nullable: false),
                    rule_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    detected_at = table.Column<Instant>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directory_potential_duplicates", x => new { x.resource_type, x.first_id, x.second_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_directory_duplicate_keys_resource",
                table: "directory_duplicate_keys",
                columns: new[] { "resource_type", "resource_id" });

            migrationBuilder.CreateIndex(
                name: "ix_directory_potential_duplicates_second",
                table: "directory_potential_duplicates",
                columns: new[] { "resource_type", "second_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "directory_duplicate_keys");

            migrationBuilder.DropTable(
                name: "directory_potential_duplicates");
        }
    }
}
