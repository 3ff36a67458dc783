using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <summary>
    /// Multivariate statistics on the columns that token and reference predicates name together.
    /// Without them the planner takes resource type, parameter, system and code as independent,
    /// while the code nearly implies the rest: a common Observation code was estimated at a tenth of
    /// its rows. ANALYZE fills them at once rather than at the next automatic analysis. The same
    /// statistics on the resources table (type, current, deleted) also set the reverse-chain plans
    /// right, but made bulk ingest about a third slower, so they are left out.
    /// </summary>
    public partial class IndexStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE STATISTICS st_ix_token_key (mcv, dependencies) ON resource_type, param, system, code FROM ix_token;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_reference_key (mcv, dependencies) ON resource_type, param, target_type FROM ix_reference;");
            migrationBuilder.Sql("ANALYZE ix_token, ix_reference;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_token_key;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_reference_key;");
        }
    }
}
