using System.Text;

namespace CxContact.Server.Jobs.Files;

/// <summary>The encodings an import spec may name.</summary>
public static class ImportEncoding
{
    public static Encoding For(string name) => name.ToLowerInvariant() switch
    {
        "iso-8859-1" => Encoding.Latin1,
        "windows-1252" => CodePagesEncodingProvider.Instance.GetEncoding(1252)!,
        // Invalid bytes must fail loudly: silently turning them into U+FFFD would corrupt names.
        _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
    };
}
