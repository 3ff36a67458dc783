using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StoredSearchParameters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "reindex_jobs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    search_parameter_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    search_parameter_version = table.Column<int>(type: "INTEGER", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    resource_types = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    last_row_id = table.Column<long>(type: "INTEGER", nullable: true),
                    cursor = table.Column<long>(type: "INTEGER", nullable: false),
                    processed = table.Column<long>(type: "INTEGER", nullable: false),
                    total = table.Column<long>(type: "INTEGER", nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_expires_at = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reindex_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "search_parameter_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    stamp = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_parameter_state", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "search_parameter_state",
                columns: new[] { "id", "stamp" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_reindex_jobs_parameter",
                table: "reindex_jobs",
                columns: new[] { "search_parameter_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_reindex_jobs_status",
                table: "reindex_jobs",
                column: "status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reindex_jobs");

            migrationBuilder.DropTable(
                name: "search_parameter_state");
        }
    }
}
