using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ix_date",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "bigint", nullable: false),
                    param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    start = table.Column<Instant>(type: "timestamp with time zone", nullable: false),
                    end = table.Column<Instant>(type: "timestamp with time zone", nullable: false),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_date", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_date_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ix_number",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "bigint", nullable: false),
                    param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_number", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_number_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ix_quantity",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "bigint", nullable: false),
                    param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    system = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    code = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    canonical_code = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    canonical_value = table.Column<double>(type: "double precision", nullable: true),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_quantity", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_quantity_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ix_reference",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "bigint", nullable: false),
                    param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    target_type = table.Column<string>(type: "text", nullable: true),
                    target_id = table.Column<string>(type: "text", nullable: true),
                    target_version = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    url = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    identifier_system = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    identifier_value = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_reference", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_reference_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ix_string",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "bigint", nullable: false),
                    param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    exact = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_string", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_string_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ix_token",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "bigint", nullable: false),
                    param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    system = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    code = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    text = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_token", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_token_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ix_uri",
                columns: table => new
                {
                    row_id = table.Column<long>(type: "bigint", nullable: false),
                    param = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    resource_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ix_uri", x => new { x.row_id, x.param, x.ordinal });
                    table.ForeignKey(
                        name: "FK_ix_uri_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_date_range",
                table: "ix_date",
                columns: new[] { "resource_type", "param", "start", "end" });

            migrationBuilder.CreateIndex(
                name: "ix_number_value",
                table: "ix_number",
                columns: new[] { "resource_type", "param", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_quantity_canonical",
                table: "ix_quantity",
                columns: new[] { "resource_type", "param", "canonical_code", "canonical_value" });

            migrationBuilder.CreateIndex(
                name: "ix_quantity_value",
                table: "ix_quantity",
                columns: new[] { "resource_type", "param", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_reference_target",
                table: "ix_reference",
                columns: new[] { "resource_type", "param", "target_id", "target_type" });

            migrationBuilder.CreateIndex(
                name: "ix_reference_url",
                table: "ix_reference",
                columns: new[] { "resource_type", "param", "url" });

            migrationBuilder.CreateIndex(
                name: "ix_string_value",
                table: "ix_string",
                columns: new[] { "resource_type", "param", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_token_code",
                table: "ix_token",
                columns: new[] { "resource_type", "param", "code", "system" });

            migrationBuilder.CreateIndex(
                name: "ix_uri_value",
                table: "ix_uri",
                columns: new[] { "resource_type", "param", "value" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ix_date");

            migrationBuilder.DropTable(
                name: "ix_number");

            migrationBuilder.DropTable(
                name: "ix_quantity");

            migrationBuilder.DropTable(
                name: "ix_reference");

            migrationBuilder.DropTable(
                name: "ix_string");

            migrationBuilder.DropTable(
                name: "ix_token");

            migrationBuilder.DropTable(
                name: "ix_uri");
        }
    }
}
