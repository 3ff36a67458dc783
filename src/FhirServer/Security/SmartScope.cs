using System.Text.RegularExpressions;

namespace FhirMh.FhirServer.Security;

/// <summary>Whose data a scope reaches (SMART App Launch 2, scopes-and-launch-context.html).</summary>
internal enum SmartContext
{
    /// <summary>Data about the patient in context (the token's <c>patient</c> claim).</summary>
    Patient,

    /// <summary>Whatever the user may see.</summary>
    User,

    /// <summary>A backend service with no user.</summary>
    System,
}

/// <summary>The SMART v2 permission letters, in their order c r u d s.</summary>
[Flags]
internal enum SmartPermissions
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    Search = 16,
    All = Create | Read | Update | Delete | Search,
}

/// <summary>
/// One resource scope, e.g. <c>patient/Observation.rs?category=laboratory</c> (v2) or
/// <c>user/*.read</c> (v1, read = rs, write = cud, * = cruds). <see cref="Filter"/> holds v2
/// search parameters that narrow it to the resources matching them.
/// </summary>
internal sealed partial record SmartScope(
    SmartContext Context,
    string ResourceType,
    SmartPermissions Permissions,
    IReadOnlyList<KeyValuePair<string, string>> Filter)
{
    public bool Covers(string resourceType) => ResourceType == "*" || ResourceType == resourceType;

    /// <summary>Each resource scope of a space-separated scope string; others (openid, fhirUser, launch...) are not about resources and are skipped.</summary>
    public static IReadOnlyList<SmartScope> ParseAll(string? scopes)
    {
        var result = new List<SmartScope>();
        foreach (var text in (scopes ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryParse(text, out var scope))
            {
                result.Add(scope);
            }
        }

        return result;
    }

    public static bool TryParse(string text, out SmartScope scope)
    {
        scope = null!;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var context = match.Groups["context"].Value switch
        {
            "patient" => SmartContext.Patient,
            "user" => SmartContext.User,
            _ => SmartContext.System,
        };
        var permissions = match.Groups["access"].Value switch
        {
            "read" => SmartPermissions.Read | SmartPermissions.Search,
            "write" => SmartPermissions.Create | SmartPermissions.Update | SmartPermissions.Delete,
            "*" => SmartPermissions.All,
            var letters => Letters(letters),
        };
        if (permissions == SmartPermissions.None)
        {
            return false;
        }

        var filter = match.Groups["query"].Success && match.Groups["query"].Value.Length > 0
            ? Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(match.Groups["query"].Value)
                .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)))
                .ToList()
            : [];
        scope = new SmartScope(context, match.Groups["type"].Value, permissions, filter);
        return true;
    }

    /// <summary>v2 letters must come in the order c, r, u, d, s, each at most once; anything else is not a scope.</summary>
    private static SmartPermissions Letters(string letters)
    {
        var result = SmartPermissions.None;
        var last = -1;
        foreach (var letter in letters)
        {
            var position = "cruds".IndexOf(letter, StringComparison.Ordinal);
            if (position <= last)
            {
                return SmartPermissions.None;
            }

            last = position;
            result |= (SmartPermissions)(1 << position);
        }

        return result;
    }

    [GeneratedRegex(@"^(?<context>patient|user|system)/(?<type>\*|[A-Z][A-Za-z]+)\.(?<access>read|write|\*|[cruds]+)(\?(?<query>.*))?$")]
    private static partial Regex Pattern();
}
