using System.Text;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>search.html#escaping: <c>\,</c> <c>\|</c> <c>\$</c> and <c>\\</c> stand for the character itself.</summary>
internal static class SearchEscaping
{
    /// <summary>Splits on unescaped <paramref name="separator"/>; escapes of other characters are kept for a later split.</summary>
    public static List<string> Split(string value, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length)
            {
                var next = value[i + 1];
                if (next != separator)
                {
                    current.Append(c);
                }

                current.Append(next);
                i++;
            }
            else if (c == separator)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    public static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }

            result.Append(value[i]);
        }

        return result.ToString();
    }
}
