using System.Text;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// AuditEvents in the shape of IHE Basic Audit Log Patterns (BALP) for RESTful activity: type
/// rest, the interaction as subtype, the client application and the user as agents, this server
/// as source, the patient and the data (or the query) as entities, one AuditEvent per patient.
/// </summary>
internal static class AuditEvents
{
    public const string ClientIdSystem = ConsentProvisions.ClientIdSystem;

    /// <param name="record">The access.</param>
    /// <param name="patientId">The patient whose data it concerned, if any.</param>
    /// <param name="consentId">That patient's effective Consent, which decided what the caller saw.</param>
    /// <param name="baseUrl">This server's FHIR base, as source site.</param>
    public static AuditEvent Build(AuditRecord record, string? patientId, string? consentId, string baseUrl)
    {
        var audit = new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation"),
            Subtype = [new Coding("http://hl7.org/fhir/restful-interaction", record.Interaction)],
            Action = Action(record.Interaction),
            Recorded = record.Recorded.ToDateTimeOffset(),
            Outcome = record.Status switch
            {
                < 400 => AuditEvent.AuditEventOutcome.N0,
                < 500 => AuditEvent.AuditEventOutcome.N4,
                _ => AuditEvent.AuditEventOutcome.N8,
            },
            OutcomeDesc = record.Status < 400 ? null : $"HTTP {record.Status}",
            PurposeOfEvent = record.Purposes.Select(p => new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActReason", p)).ToList(),
            Source = new AuditEvent.SourceComponent
            {
                Site = baseUrl,
                Observer = new ResourceReference { Display = "FhirMh" },
                Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")],
            },
        };
        if (record.ClientId is { } clientId)
        {
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept("http://dicom.nema.org/resources/ontology/DCM", "110150", "Application"),
                Who = new ResourceReference { Identifier = new Identifier(ClientIdSystem, clientId) },
                Requestor = record.FhirUser is null && record.Subject is null,
            });
        }

        if (record.FhirUser is not null || record.Subject is not null)
        {
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"),
                Who = record.FhirUser is { } user ? new ResourceReference(user) : new ResourceReference { Identifier = new Identifier("urn:ietf:params:oauth:sub", record.Subject) },
                Requestor = true,
            });
        }

        if (audit.Agent.Count == 0)
        {
            audit.Agent.Add(new AuditEvent.AgentComponent { Who = new ResourceReference { Display = "anonymous" }, Requestor = true });
        }

        if (patientId is not null)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"Patient/{patientId}"),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
            });
        }

        if (consentId is not null)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"Consent/{consentId}"),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "13", "Security Resource"),
                Description = "the patient's consent that decided access",
            });
        }

        if (record.Query is { Length: > 0 } query)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"),
                Query = Encoding.UTF8.GetBytes(query),
                Description = record.ResourceType is null ? "system" : record.ResourceType,
            });
        }
        else if (record.ResourceType is { } type && record.ResourceId is { } id)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"{type}/{id}"),
                Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"),
                Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource"),
            });
        }

        return audit;
    }

    private static AuditEvent.AuditEventAction Action(string interaction) => interaction switch
    {
        "create" => AuditEvent.AuditEventAction.C,
        "update" or "patch" => AuditEvent.AuditEventAction.U,
        "delete" => AuditEvent.AuditEventAction.D,
        "operation" => AuditEvent.AuditEventAction.E,
        _ => AuditEvent.AuditEventAction.R,
    };
}
