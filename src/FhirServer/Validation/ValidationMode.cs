namespace FhirMh.FhirServer.Validation;

/// <summary>How much profile validation a write gets (<c>Validation:Mode</c>). Structural parsing applies in every mode.</summary>
internal enum ValidationMode
{
    /// <summary>No profile validation: only what the parser refuses is refused.</summary>
    Off,

    /// <summary>The core definition of the type and every profile the resource names in <c>meta.profile</c>.</summary>
    Declared,

    /// <summary>As <see cref="Declared"/>, plus the profiles configured for the type in <c>Validation:ProfilesByType</c>.</summary>
    Always,
}
