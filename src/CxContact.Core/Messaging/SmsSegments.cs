namespace CxContact.Core.Messaging;

/// <summary>How a text travels as SMS: its encoding, its length in that encoding's units, and how many parts it takes.</summary>
/// <param name="Encoding">"gsm-7" when every character is in the GSM 03.38 default alphabet or its extension table, else "ucs-2".</param>
/// <param name="Units">Septets for GSM-7 (extension characters take two), UTF-16 code units for UCS-2.</param>
/// <param name="Segments">1 up to 160 septets (70 units); above that each part carries 153 (67), the rest is the
/// concatenation header. A UCS-2 surrogate pair is never split across parts.</param>
public sealed record SmsSegments(string Encoding, int Units, int Segments)
{
    /// <summary>The most parts a message may take: carriers reassemble up to about 10 reliably.</summary>
    public const int MaxSegments = 10;

    // GSM 03.38 (3GPP TS 23.038 section 6.2.1): the default alphabet and the characters reached through the escape.
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string Extension = "\f^{}\\[~]|€";

    public static SmsSegments Count(string text)
    {
        var septets = 0;
        var gsm = true;
        foreach (var c in text)
        {
            if (Basic.Contains(c)) septets++;
            else if (Extension.Contains(c)) septets += 2;
            else { gsm = false; break; }
        }
        if (gsm)
            return new("gsm-7", septets, septets <= 160 ? (septets == 0 ? 0 : 1) : GsmParts(text));
        return new("ucs-2", text.Length, text.Length <= 70 ? 1 : Ucs2Parts(text));
    }

    // An escaped character is never split from its escape: a part that would end between them ends one septet early.
    private static int GsmParts(string text)
    {
        int parts = 1, used = 0;
        foreach (var c in text)
        {
            var size = Extension.Contains(c) ? 2 : 1;
            if (used + size > 153) { parts++; used = 0; }
            used += size;
        }
        return parts;
    }

    private static int Ucs2Parts(string text)
    {
        int parts = 1, used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var size = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            if (used + size > 67) { parts++; used = 0; }
            used += size;
            i += size - 1;
        }
        return parts;
    }
}
