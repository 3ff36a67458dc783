using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CompositeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ix_composite",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "INTEGER", nullable: false),
                    param = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    first_system = table.Column<string>(type: "TEXT", nullable: true),
                    first_code = table.Column<string>(type: "TEXT", nullable: true),
                    second_system = table.Column<string>(type: "TEXT", nullable: true),
                    second_code = table.Column<string>(type: "TEXT", nullable: true),
                    second_number = table.Column<double>(type: "REAL", nullable: true),
                    second_canonical_code = table.Column<string>(type: "TEXT", nullable: true),
                    second_canonical_number = table.Column<double>(type: "REAL", nullable: true),
                    second_start = table.Column<long>(type: "INTEGER", nullable: true),
                    second_end = table.Column<long>(type: "INTEGER", nullable: true),
                    second_text = table.Column<string>(type: "TEXT", nullable: true),
                    resource_type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_composite", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_composite_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_composite_first",
                table: "ix_composite",
                columns: new[] { "resource_type", "param", "first_code", "first_system" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ix_composite");
        }
    }
}
