using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <summary>
    /// Date index rows in the two orders of a date sort, each with the row id breaking ties:
    /// the earliest start first (ix_date_range, which range criteria use too) and the latest end
    /// first (ix_date_latest). A sorted page is then read in index order (DateSortPage).
    /// </summary>
    public partial class DateSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_date_range",
                table: "ix_date");

            migrationBuilder.CreateIndex(
                name: "ix_date_latest",
                table: "ix_date",
                columns: new[] { "resource_type", "param", "end", "row_id" },
                descending: new[] { false, false, true, false });

            migrationBuilder.CreateIndex(
                name: "ix_date_range",
                table: "ix_date",
                columns: new[] { "resource_type", "param", "start", "row_id", "end" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_date_latest",
                table: "ix_date");

            migrationBuilder.DropIndex(
                name: "ix_date_range",
                table: "ix_date");

            migrationBuilder.CreateIndex(
                name: "ix_date_range",
                table: "ix_date",
                columns: new[] { "resource_type", "param", "start", "end" });
        }
    }
}
