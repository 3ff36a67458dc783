using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SubscriptionEventMatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "subscription_ids",
                table: "subscription_events",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "subscription_ids",
                table: "subscription_events");
        }
    }
}
