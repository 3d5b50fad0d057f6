using System.Collections.Frozen;

namespace CxContact.Core.Campaigns;

/// <summary>
/// Wire names of <see cref="CallResult"/> and their Genesys calling-list codes (the call_result enumeration an
/// OCS-style dialer reads: Answer 33, Busy 6, No Answer 7, Answering Machine Detected 9, and so on).
/// </summary>
public static class CallResults
{
    /// <summary>"Unknown Call Result": what a calling-list record carries before its first result.</summary>
    public const int UnknownCode = 28;

    private static readonly (CallResult Result, string Wire, int Code)[] Table =
    [
        (CallResult.Answered, "answered", 33),
        (CallResult.Busy, "busy", 6),
        (CallResult.NoAnswer, "no-answer", 7),
        (CallResult.AnsweringMachine, "answering-machine", 9),
        (CallResult.Fax, "fax", 17),
        (CallResult.Abandoned, "abandoned", 21),
        (CallResult.InvalidNumber, "invalid-number", 11),
        (CallResult.WrongParty, "wrong-party", 40),
        (CallResult.WrongNumber, "wrong-number", 53),
        (CallResult.DncRequest, "dnc-request", 51),
        // Genesys has no code of its own for a callback: the call was answered, and the record type says callback.
        (CallResult.CallbackRequested, "callback-requested", 33),
        (CallResult.Dropped, "dropped", 26),
        (CallResult.NoDialTone, "no-dial-tone", 35),
        (CallResult.SitDetected, "sit-detected", 8),
        (CallResult.AllTrunksBusy, "all-trunks-busy", 10),
        (CallResult.Silence, "silence", 32),
        (CallResult.GeneralError, "general-error", 3),
        (CallResult.SystemError, "system-error", 4),
        // A person answered, then hung up: Genesys records an answer (33); who ended the call is ours to keep.
        (CallResult.HungUp, "hung-up", 33),
        // Messaging campaigns: Genesys records a sent message as "OK" (Answer, 33) and a refused one as General Error.
        (CallResult.MessageSent, "message-sent", 33),
        (CallResult.MessageFailed, "message-failed", 3),
    ];

    private static readonly FrozenDictionary<string, CallResult> ByWire =
        Table.ToFrozenDictionary(t => t.Wire, t => t.Result, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> WireNames { get; } = [.. Table.Select(t => t.Wire)];

    public static string ToWire(this CallResult r) => Table[(int)r].Wire;

    public static int GenesysCode(this CallResult r) => Table[(int)r].Code;

    public static bool TryParse(string? s, out CallResult result) => ByWire.TryGetValue(s?.Trim() ?? "", out result);

    /// <summary>A live person was on the line: what connect and abandonment rates count.</summary>
    public static bool IsConnected(this CallResult r) =>
        r is CallResult.Answered or CallResult.WrongParty or CallResult.DncRequest or CallResult.CallbackRequested or CallResult.HungUp;
}
