namespace CxContact.Core.Messaging;

/// <summary>What an inbound text asks for, by its one keyword (any case, surrounding spaces ignored).</summary>
public enum InboundIntent
{
    /// <summary>Anything else: a reply, kept with the contact's messages.</summary>
    Reply,
    OptOut,
    OptIn,
    Help,
}

/// <summary>
/// The opt-out, opt-in and help keywords: the FCC's revocation rule (47 CFR 64.1200(a)(10), from the 2024 Report and
/// Order, FCC 24-24) makes "stop", "quit", "end", "revoke", "opt out", "cancel" and "unsubscribe" a valid revocation;
/// STOPALL and the START/HELP pair are the carriers' conventions (CTIA Messaging Principles, an industry guideline);
/// ARRET is French-speaking Canada's STOP.
/// </summary>
public static class InboundKeywords
{
    private static readonly Dictionary<string, InboundIntent> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["STOP"] = InboundIntent.OptOut, ["STOPALL"] = InboundIntent.OptOut, ["UNSUBSCRIBE"] = InboundIntent.OptOut,
        ["CANCEL"] = InboundIntent.OptOut, ["END"] = InboundIntent.OptOut, ["QUIT"] = InboundIntent.OptOut,
        ["REVOKE"] = InboundIntent.OptOut, ["OPT OUT"] = InboundIntent.OptOut, ["OPTOUT"] = InboundIntent.OptOut,
        ["ARRET"] = InboundIntent.OptOut, ["ARRÊT"] = InboundIntent.OptOut,
        ["START"] = InboundIntent.OptIn, ["UNSTOP"] = InboundIntent.OptIn,
        ["HELP"] = InboundIntent.Help, ["INFO"] = InboundIntent.Help,
    };

    public static InboundIntent Classify(string? text) =>
        text is not null && Words.TryGetValue(string.Join(' ', text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.', '!'), out var intent) ? intent : InboundIntent.Reply;
}
