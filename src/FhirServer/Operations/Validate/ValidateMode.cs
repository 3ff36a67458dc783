namespace FhirMh.FhirServer.Operations.Validate;

/// <summary>The <c>mode</c> parameter of $validate (http://hl7.org/fhir/ValueSet/resource-validation-mode).</summary>
internal enum ValidateMode
{
    /// <summary>No mode: the resource is checked against its definitions only.</summary>
    None,
    Create,
    Update,
    Delete,

    /// <summary>Checked against the <c>profile</c> parameter (and the definitions it rests on).</summary>
    Profile,
}
