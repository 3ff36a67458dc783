using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <summary>
    /// The current, live rows of each type in row id order with their resource ids (a partial
    /// index), and the row id at the end of the string, token and reference value indexes: a
    /// search then finds its page's row ids from indexes alone, merging criteria in row id order,
    /// before it reads any JSON.
    /// </summary>
    public partial class LiveRowsAndCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_token_code",
                table: "ix_token");

            migrationBuilder.DropIndex(
                name: "ix_string_value",
                table: "ix_string");

            migrationBuilder.DropIndex(
                name: "ix_reference_target",
                table: "ix_reference");

            migrationBuilder.CreateIndex(
                name: "ix_resources_live",
                table: "resources",
                columns: new[] { "resource_type", "row_id", "resource_id" },
                filter: "is_current AND NOT is_deleted");

            migrationBuilder.CreateIndex(
                name: "ix_token_code",
                table: "ix_token",
                columns: new[] { "resource_type", "param", "code", "system", "row_id" });

            migrationBuilder.CreateIndex(
                name: "ix_string_value",
                table: "ix_string",
                columns: new[] { "resource_type", "param", "value", "row_id" });

            migrationBuilder.CreateIndex(
                name: "ix_reference_target",
                table: "ix_reference",
                columns: new[] { "resource_type", "param", "target_id", "target_type", "row_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_resources_live",
                table: "resources");

            migrationBuilder.DropIndex(
                name: "ix_token_code",
                table: "ix_token");

            migrationBuilder.DropIndex(
                name: "ix_string_value",
                table: "ix_string");

            migrationBuilder.DropIndex(
                name: "ix_reference_target",
                table: "ix_reference");

            migrationBuilder.CreateIndex(
                name: "ix_token_code",
                table: "ix_token",
                columns: new[] { "resource_type", "param", "code", "system" });

            migrationBuilder.CreateIndex(
                name: "ix_string_value",
                table: "ix_string",
                columns: new[] { "resource_type", "param", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_reference_target",
                table: "ix_reference",
                columns: new[] { "resource_type", "param", "target_id", "target_type" });
        }
    }
}
