using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ClientRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "mpi_block_keys",
                columns: table => new
                {
                    block_key = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mpi_block_keys", x => new { x.block_key, x.source_id });
                });

            migrationBuilder.CreateTable(
                name: "mpi_cannot_links",
                columns: table => new
                {
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    golden_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mpi_cannot_links", x => new { x.source_id, x.golden_id });
                });

            migrationBuilder.CreateTable(
                name: "mpi_potential_matches",
                columns: table => new
                {
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    golden_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    score = table.Column<double>(type: "REAL", nullable: false),
                    rule_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mpi_potential_matches", x => new { x.source_id, x.golden_id });
                });

            migrationBuilder.CreateTable(
                name: "mpi_records",
                columns: table => new
                {
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    golden_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    fields = table.Column<string>(type: "TEXT", nullable: false),
                    systems = table.Column<string>(type: "TEXT", nullable: true),
                    rule_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    score = table.Column<double>(type: "REAL", nullable: true),
                    method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mpi_records", x => x.source_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_mpi_block_keys_source",
                table: "mpi_block_keys",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_mpi_potential_matches_golden",
                table: "mpi_potential_matches",
                column: "golden_id");

            migrationBuilder.CreateIndex(
                name: "ix_mpi_records_golden",
                table: "mpi_records",
                column: "golden_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mpi_block_keys");

            migrationBuilder.DropTable(
                name: "mpi_cannot_links");

            migrationBuilder.DropTable(
                name: "mpi_potential_matches");

            migrationBuilder.DropTable(
                name: "mpi_records");
        }
    }
}
