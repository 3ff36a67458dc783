using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DirectoryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ix_position",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "INTEGER", nullable: false),
                    param = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    latitude = table.Column<double>(type: "REAL", nullable: false),
                    longitude = table.Column<double>(type: "REAL", nullable: false),
                    x = table.Column<double>(type: "REAL", nullable: false),
                    y = table.Column<double>(type: "REAL", nullable: false),
                    z = table.Column<double>(type: "REAL", nullable: false),
                    resource_type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_position", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_position_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ix_schedule",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "INTEGER", nullable: false),
                    param = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    day = table.Column<int>(type: "INTEGER", nullable: false),
                    start_minute = table.Column<int>(type: "INTEGER", nullable: false),
                    end_minute = table.Column<int>(type: "INTEGER", nullable: false),
                    from = table.Column<long>(type: "INTEGER", nullable: false),
                    to = table.Column<long>(type: "INTEGER", nullable: false),
                    resource_type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_schedule", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_schedule_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_position_latitude",
                table: "ix_position",
                columns: new[] { "resource_type", "param", "latitude" });

            migrationBuilder.CreateIndex(
                name: "ix_schedule_hours",
                table: "ix_schedule",
                columns: new[] { "resource_type", "param", "kind", "day", "start_minute" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ix_position");

            migrationBuilder.DropTable(
                name: "ix_schedule");
        }
    }
}
