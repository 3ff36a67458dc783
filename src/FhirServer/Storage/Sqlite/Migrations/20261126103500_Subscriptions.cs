using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Subscriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "subscription_events",
                columns: table => new
                {
                    event_id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    row_id = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscription_events", x => x.event_id);
                    table.ForeignKey(
                        name: "FK_subscription_events_resources_row_id",
                        column: x => x.row_id,
                        principalTable: "resources",
                        principalColumn: "row_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "subscription_lease",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscription_lease", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "subscription_notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    subscription_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    event_number = table.Column<long>(type: "INTEGER", nullable: false),
                    row_id = table.Column<long>(type: "INTEGER", nullable: false),
                    occurred_at = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscription_notifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "subscription_state",
                columns: table => new
                {
                    subscription_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    base_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    event_count = table.Column<long>(type: "INTEGER", nullable: false),
                    last_sent_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscription_state", x => x.subscription_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_subscription_events_row_id",
                table: "subscription_events",
                column: "row_id");

            migrationBuilder.CreateIndex(
                name: "ix_subscription_notifications_due",
                table: "subscription_notifications",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ux_subscription_notifications_event",
                table: "subscription_notifications",
                columns: new[] { "subscription_id", "event_number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "subscription_events");

            migrationBuilder.DropTable(
                name: "subscription_lease");

            migrationBuilder.DropTable(
                name: "subscription_notifications");

            migrationBuilder.DropTable(
                name: "subscription_state");
        }
    }
}
