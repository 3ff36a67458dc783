using System.Text.RegularExpressions;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// The syntax of a LOINC code (http://loinc.org), for when the server holds no LOINC content: a
/// LOINC number is digits, a hyphen and a mod 10 check digit (LOINC Users' Guide, "Calculating
/// Mod 10 Check Digits"); answers, answer lists and parts are <c>LA</c>, <c>LL</c> or <c>LP</c>,
/// digits, a hyphen and a check digit.
/// </summary>
/// <remarks>
/// The check digit of <c>LA</c>, <c>LL</c> and <c>LP</c> codes is not the mod 10 of their digits
/// (the PHQ-9 answer LA6568-5 would fail), so for them only the pattern is checked.
/// </remarks>
internal static partial class LoincCode
{
    public const string System = "http://loinc.org";

    public static bool IsValid(string code)
    {
        if (PrefixedPattern().IsMatch(code))
        {
            return true;
        }

        var match = NumberPattern().Match(code);
        return match.Success && CheckDigit(match.Groups["number"].Value) == match.Groups["check"].Value[0] - '0';
    }

    /// <summary>
    /// The mod 10 check digit of <paramref name="number"/>: from the right, every other digit
    /// starting with the last is doubled and the digits of the products summed with the others;
    /// the check digit brings the sum up to a multiple of 10.
    /// </summary>
    public static int CheckDigit(string number)
    {
        var sum = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var digit = number[number.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                digit = digit / 10 + digit % 10;
            }

            sum += digit;
        }

        return (10 - sum % 10) % 10;
    }

    [GeneratedRegex("^(?<number>[0-9]{1,7})-(?<check>[0-9])$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex("^L[ALP][0-9]{1,8}-[0-9]$")]
    private static partial Regex PrefixedPattern();
}
