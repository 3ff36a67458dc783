namespace FhirMh.FhirServer.Validation;

/// <summary>
/// The syntax of a SNOMED CT identifier (http://snomed.info/sct), for when the server holds no
/// SNOMED CT content: 6 to 18 digits without a leading zero, the last a Verhoeff check digit
/// (SNOMED CT Technical Implementation Guide: the SCTID data type and its Verhoeff check digit).
/// </summary>
internal static class SnomedCtIdentifier
{
    public const string System = "http://snomed.info/sct";

    /// <summary>Multiplication in the dihedral group D5.</summary>
    private static readonly byte[,] Multiplication =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
        { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 },
        { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
        { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 },
        { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 },
        { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
        { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 },
        { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 },
        { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
        { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
    };

    /// <summary>The permutation applied to a digit by its position from the right, repeating every 8.</summary>
    private static readonly byte[,] Permutation =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
        { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 },
        { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
        { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 },
        { 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 },
        { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
        { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 },
        { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
    };

    public static bool IsValid(string code) =>
        code.Length is >= 6 and <= 18 && code[0] != '0' && code.All(char.IsAsciiDigit) && HasValidCheckDigit(code);

    /// <summary>True when the Verhoeff checksum of <paramref name="digits"/>, check digit included, is zero.</summary>
    public static bool HasValidCheckDigit(string digits)
    {
        var check = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            check = Multiplication[check, Permutation[i % 8, digits[digits.Length - 1 - i] - '0']];
        }

        return check == 0;
    }
}
