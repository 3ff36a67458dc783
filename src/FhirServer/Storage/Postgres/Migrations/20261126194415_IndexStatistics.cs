using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <summary>
    /// Multivariate statistics on the columns every search predicate names together. The planner
    /// otherwise takes resource type, parameter, system and code as independent, while the code
    /// nearly implies the rest: a common Observation code was estimated at a tenth of its rows,
    /// and with a page limit that made it build every match of a reverse chain (<c>_has</c>) before
    /// taking the first ten, instead of walking the candidates in page order and stopping.
    /// ANALYZE fills them at once rather than at the next automatic analysis.
    /// </summary>
    public partial class IndexStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE STATISTICS st_resources_state (mcv, dependencies) ON resource_type, is_current, is_deleted FROM resources;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_token_key (mcv, dependencies) ON resource_type, param, system, code FROM ix_token;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_reference_key (mcv, dependencies) ON resource_type, param, target_type FROM ix_reference;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_string_key (mcv, dependencies) ON resource_type, param FROM ix_string;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_date_key (mcv, dependencies) ON resource_type, param FROM ix_date;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_number_key (mcv, dependencies) ON resource_type, param FROM ix_number;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_uri_key (mcv, dependencies) ON resource_type, param FROM ix_uri;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_quantity_key (mcv, dependencies) ON resource_type, param, system, code FROM ix_quantity;");
            migrationBuilder.Sql("CREATE STATISTICS st_ix_composite_key (mcv, dependencies) ON resource_type, param, first_system, first_code FROM ix_composite;");
            migrationBuilder.Sql("ANALYZE resources, ix_token, ix_reference, ix_string, ix_date, ix_number, ix_uri, ix_quantity, ix_composite;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_resources_state;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_token_key;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_reference_key;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_string_key;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_date_key;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_number_key;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_uri_key;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_quantity_key;");
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_ix_composite_key;");
        }
    }
}
