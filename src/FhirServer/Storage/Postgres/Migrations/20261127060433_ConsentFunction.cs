using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FhirMh.FhirServer.Storage.Postgres.Migrations
{
    /// <summary>
    /// The consent test of one row for one patient as a PL/pgSQL function: the same test as the
    /// expression of ConsentPredicates, planned once per session (with a generic plan: every lookup
    /// is by patient or row id) instead of inlined into, and planned with, every search.
    /// </summary>
    public partial class ConsentFunction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                CREATE OR REPLACE FUNCTION fhirmh_consent_denies(
                    p_patient text, p_row_id bigint, p_type text, p_id text,
                    p_actors text[], p_purposes text[], p_actions text[],
                    p_now timestamptz, p_deny_by_default boolean, p_date_param text)
                RETURNS boolean
                LANGUAGE plpgsql STABLE
                -- Its queries cost far more than an operator: the planner tests a row's cheaper
                -- conditions first.
                COST 10000
                SET plan_cache_mode = force_generic_plan
                AS $body$
                BEGIN
                    -- Most patients have no consent. Starting the executor for the whole test below
                    -- costs about ten times more than this probe, even when it stops at once.
                    IF NOT p_deny_by_default AND NOT EXISTS (SELECT 1 FROM consent_provisions WHERE patient_id = p_patient AND is_deny) THEN
                        RETURN false;
                    END IF;

                    -- Hidden when no root provision applies under a deny-by-default policy, or when a
                    -- deny provision applies and no deeper permit provision does.
                    RETURN (p_deny_by_default AND NOT EXISTS (
                                SELECT 1 FROM consent_provisions n
                                WHERE n.patient_id = p_patient AND n.depth = 0 AND NOT EXISTS ({Unmet("n")})))
                        OR EXISTS (
                                SELECT 1 FROM consent_provisions d
                                WHERE d.patient_id = p_patient AND d.is_deny AND NOT EXISTS ({Unmet("d")})
                                  AND NOT EXISTS (
                                      SELECT 1 FROM consent_provisions q
                                      WHERE q.patient_id = d.patient_id AND NOT q.is_deny AND q.depth > d.depth
                                        AND NOT EXISTS ({Unmet("q")})));
                END
                $body$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS fhirmh_consent_denies(text, bigint, text, text, text[], text[], text[], timestamptz, boolean, text);");
        }

        /// <summary>A condition of provision <paramref name="node"/> (its own or an enclosing one's) that the caller and the row do not meet.</summary>
        private static string Unmet(string node) => $"""
            SELECT 1 FROM consent_conditions k_{node}
            WHERE k_{node}.patient_id = {node}.patient_id AND k_{node}.node = {node}.node AND NOT (
                (k_{node}.kind = 'period' AND (k_{node}.from_instant IS NULL OR k_{node}.from_instant <= p_now) AND (k_{node}.to_instant IS NULL OR k_{node}.to_instant >= p_now))
                OR (k_{node}.kind = 'dataPeriod' AND EXISTS (
                    SELECT 1 FROM ix_date x_{node}
                    WHERE x_{node}.row_id = p_row_id AND x_{node}.param = p_date_param
                      AND (k_{node}.from_instant IS NULL OR x_{node}.start >= k_{node}.from_instant) AND (k_{node}.to_instant IS NULL OR x_{node}."end" <= k_{node}.to_instant)))
                OR (k_{node}.kind NOT IN ('period', 'dataPeriod') AND EXISTS (
                    SELECT 1 FROM consent_values v_{node}
                    WHERE v_{node}.patient_id = k_{node}.patient_id AND v_{node}.node = k_{node}.node AND v_{node}.level = k_{node}.level AND v_{node}.kind = k_{node}.kind AND (
                        (v_{node}.kind = 'actor' AND v_{node}.value = ANY (p_actors))
                        OR (v_{node}.kind = 'purpose' AND v_{node}.value = ANY (p_purposes))
                        OR (v_{node}.kind = 'action' AND v_{node}.value = ANY (p_actions))
                        OR (v_{node}.kind = 'class' AND v_{node}.value = p_type)
                        OR (v_{node}.kind = 'data' AND v_{node}.system = p_type AND v_{node}.value = p_id)
                        OR (v_{node}.kind = 'label' AND EXISTS (
                            SELECT 1 FROM ix_token t_{node}
                            WHERE t_{node}.row_id = p_row_id AND t_{node}.param = '_security' AND t_{node}.system = v_{node}.system AND t_{node}.code = v_{node}.value))
                        OR (v_{node}.kind = 'code' AND EXISTS (
                            SELECT 1 FROM ix_token c_{node}
                            WHERE c_{node}.row_id = p_row_id AND c_{node}.param = 'code' AND c_{node}.system = v_{node}.system AND c_{node}.code = v_{node}.value))))))
            """;
    }
}
