namespace CxContact.Core.Phones;

/// <summary>Wire names for <see cref="DeviceType"/>.</summary>
public static class DeviceTypes
{
    public static string ToWire(this DeviceType t) => t switch
    {
        DeviceType.Unknown => "unknown",
        DeviceType.Mobile => "mobile",
        DeviceType.Landline => "landline",
        DeviceType.Voip => "voip",
        DeviceType.TollFree => "toll-free",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "Not a device type."),
    };

    /// <summary>
    /// Parses a wire name. Also takes the synonyms that customer import specs and carrier lookups use
    /// ("fixed", "fixed-line", "cell", "wireless"), case-insensitively, with '_' or ' ' in place of '-'.
    /// </summary>
    public static bool TryParse(string? s, out DeviceType t)
    {
        t = DeviceType.Unknown;
        if (string.IsNullOrWhiteSpace(s))
            return false;

        Span<char> buffer = stackalloc char[16];
        var trimmed = s.AsSpan().Trim();
        if (trimmed.Length > buffer.Length)
            return false;
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = char.ToLowerInvariant(trimmed[i]);
            buffer[i] = c is '_' or ' ' ? '-' : c;
        }

        DeviceType? parsed = buffer[..trimmed.Length] switch
        {
            "unknown" => DeviceType.Unknown,
            "mobile" or "cell" or "wireless" => DeviceType.Mobile,
            "landline" or "fixed" or "fixed-line" => DeviceType.Landline,
            "voip" => DeviceType.Voip,
            "toll-free" => DeviceType.TollFree,
            _ => null,
        };
        if (parsed is null)
            return false;
        t = parsed.Value;
        return true;
    }
}
