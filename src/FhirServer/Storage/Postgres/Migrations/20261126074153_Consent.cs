using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Consent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "break_the_glass",
                columns: table => new
                {
                    token_key = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    client_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    subject = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    started_at = table.Column<Instant>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<Instant>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_break_the_glass", x => x.token_key);
                });

            migrationBuilder.CreateTable(
                name: "consent_conditions",
                columns: table => new
                {
                    patient_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    node = table.Column<int>(type: "integer", nullable: false),
                    level = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    from_instant = table.Column<Instant>(type: "timestamp with time zone", nullable: true),
                    to_instant = table.Column<Instant>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_conditions", x => new { x.patient_id, x.node, x.level, x.kind });
                });

            migrationBuilder.CreateTable(
                name: "consent_provisions",
                columns: table => new
                {
                    patient_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    node = table.Column<int>(type: "integer", nullable: false),
                    consent_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    depth = table.Column<int>(type: "integer", nullable: false),
                    is_deny = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_provisions", x => new { x.patient_id, x.node });
                });

            migrationBuilder.CreateTable(
                name: "consent_values",
                columns: table => new
                {
                    patient_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    node = table.Column<int>(type: "integer", nullable: false),
                    level = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    system = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_values", x => new { x.patient_id, x.node, x.level, x.kind, x.system, x.value });
                });

            migrationBuilder.CreateIndex(
                name: "ix_consent_provisions_consent",
                table: "consent_provisions",
                column: "consent_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "break_the_glass");

            migrationBuilder.DropTable(
                name: "consent_conditions");

            migrationBuilder.DropTable(
                name: "consent_provisions");

            migrationBuilder.DropTable(
                name: "consent_values");
        }
    }
}
