namespace CxContact.Core.Compliance;

/// <summary>Wire names for <see cref="Channel"/>.</summary>
public static class Channels
{
    public static string ToWire(this Channel c) => c switch
    {
        Channel.Voice => "voice",
        Channel.Sms => "sms",
        Channel.Email => "email",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "Not a channel."),
    };

    /// <summary>Parses a wire name, case-insensitively.</summary>
    public static bool TryParse(string? s, out Channel channel)
    {
        channel = Channel.Voice;
        switch (s?.Trim().ToLowerInvariant())
        {
            case "voice": channel = Channel.Voice; return true;
            case "sms": channel = Channel.Sms; return true;
            case "email": channel = Channel.Email; return true;
            default: return false;
        }
    }
}
