using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ReferenceTargetIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_reference_by_target",
                table: "ix_reference",
                columns: new[] { "target_id", "target_type" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_reference_by_target",
                table: "ix_reference");
        }
    }
}
