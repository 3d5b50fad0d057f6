namespace CxContact.Core.Lists;

/// <summary>How the file is written. Delimiter and Quote are single characters or their names.</summary>
public sealed record FileFormat
{
    public string Delimiter { get; init; } = ",";
    public bool HasHeader { get; init; } = true;
    /// <summary>utf-8 (with or without a BOM), iso-8859-1 or windows-1252.</summary>
    public string Encoding { get; init; } = "utf-8";
    public string Quote { get; init; } = "\"";

    public static readonly IReadOnlyDictionary<string, char> DelimiterNames = new Dictionary<string, char>(StringComparer.OrdinalIgnoreCase)
    {
        [","] = ',', ["comma"] = ',', [";"] = ';', ["semicolon"] = ';', ["\t"] = '\t', ["tab"] = '\t',
        ["|"] = '|', ["pipe"] = '|', [":"] = ':', ["colon"] = ':',
    };

    public static readonly IReadOnlyList<string> Encodings = ["utf-8", "iso-8859-1", "windows-1252"];

    public char DelimiterChar => DelimiterNames.TryGetValue(Delimiter, out var c) ? c : ',';
    public char QuoteChar => Quote is { Length: 1 } q ? q[0] : Quote.Equals("single", StringComparison.OrdinalIgnoreCase) ? '\'' : '"';
}
