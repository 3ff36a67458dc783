using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <summary>
    /// Index rows lose their foreign key to resources: every index row was checked against, and
    /// locked, its version row as it was inserted, about half the cost of the insert. Index rows
    /// are written and removed only with their version (SearchIndexModel), and versions are never deleted.
    /// </summary>
    public partial class IndexRowsWithoutForeignKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ix_composite_resources_row_id",
                table: "ix_composite");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_date_resources_row_id",
                table: "ix_date");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_number_resources_row_id",
                table: "ix_number");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_position_resources_row_id",
                table: "ix_position");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_quantity_resources_row_id",
                table: "ix_quantity");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_reference_resources_row_id",
                table: "ix_reference");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_schedule_resources_row_id",
                table: "ix_schedule");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_string_resources_row_id",
                table: "ix_string");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_token_resources_row_id",
                table: "ix_token");

            migrationBuilder.DropForeignKey(
                name: "FK_ix_uri_resources_row_id",
                table: "ix_uri");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "FK_ix_composite_resources_row_id",
                table: "ix_composite",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_date_resources_row_id",
                table: "ix_date",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_number_resources_row_id",
                table: "ix_number",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_position_resources_row_id",
                table: "ix_position",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_quantity_resources_row_id",
                table: "ix_quantity",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_reference_resources_row_id",
                table: "ix_reference",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_schedule_resources_row_id",
                table: "ix_schedule",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_string_resources_row_id",
                table: "ix_string",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_token_resources_row_id",
                table: "ix_token",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_ix_uri_resources_row_id",
                table: "ix_uri",
                column: "row_id",
                principalTable: "resources",
                principalColumn: "row_id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
