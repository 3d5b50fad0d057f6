namespace CxContact.Core.Campaigns;

/// <summary>The default treatments, the cycle check and the decision for one result.</summary>
public static class ContactStrategies
{
    public const int MaxDelayMinutes = 60 * 24 * 30;
    public const int MaxRetriesAllowed = 100;

    /// <summary>What a result gets when the campaign's strategy says nothing about it.</summary>
    public static readonly IReadOnlyList<StrategyRule> Defaults =
    [
        new() { Result = CallResult.Busy, Action = StrategyAction.Retry, DelayMinutes = 10, IncrementMinutes = 10, MaxRetries = 3 },
        new() { Result = CallResult.NoAnswer, Action = StrategyAction.Retry, DelayMinutes = 60, IncrementMinutes = 60, MaxRetries = 3 },
        new() { Result = CallResult.AnsweringMachine, Action = StrategyAction.Retry, DelayMinutes = 120, IncrementMinutes = 120, MaxRetries = 2 },
        new() { Result = CallResult.Abandoned, Action = StrategyAction.Retry, DelayMinutes = 60, MaxRetries = 2 },
        new() { Result = CallResult.Dropped, Action = StrategyAction.Retry, DelayMinutes = 30, MaxRetries = 2 },
        new() { Result = CallResult.Silence, Action = StrategyAction.Retry, DelayMinutes = 60, MaxRetries = 2 },
        new() { Result = CallResult.NoDialTone, Action = StrategyAction.Retry, DelayMinutes = 5, IncrementMinutes = 5, MaxRetries = 3 },
        new() { Result = CallResult.AllTrunksBusy, Action = StrategyAction.Retry, DelayMinutes = 5, IncrementMinutes = 5, MaxRetries = 5 },
        new() { Result = CallResult.GeneralError, Action = StrategyAction.Retry, DelayMinutes = 15, MaxRetries = 2 },
        new() { Result = CallResult.SystemError, Action = StrategyAction.Retry, DelayMinutes = 15, MaxRetries = 2 },
        new() { Result = CallResult.Fax, Action = StrategyAction.NextDevice },
        new() { Result = CallResult.InvalidNumber, Action = StrategyAction.NextDevice },
        new() { Result = CallResult.SitDetected, Action = StrategyAction.NextDevice },
        new() { Result = CallResult.WrongNumber, Action = StrategyAction.NextDevice },
        new() { Result = CallResult.WrongParty, Action = StrategyAction.NextDevice },
        new() { Result = CallResult.Answered, Action = StrategyAction.Done },
        new() { Result = CallResult.DncRequest, Action = StrategyAction.Suppress },
        new() { Result = CallResult.CallbackRequested, Action = StrategyAction.Retry, MaxRetries = int.MaxValue },
        new() { Result = CallResult.HungUp, Action = StrategyAction.Retry, DelayMinutes = 240, MaxRetries = 1 },
    ];

    /// <summary>
    /// The results a "same as" chain visits until it reaches a real action, or null when the chain is a cycle
    /// (then the returned list is the cycle, for the error message).
    /// </summary>
    public static IReadOnlyList<CallResult>? FindCycle(IReadOnlyList<StrategyRule> rules)
    {
        var byResult = rules.GroupBy(r => r.Result).ToDictionary(g => g.Key, g => g.First());
        foreach (var start in byResult.Keys)
        {
            var path = new List<CallResult> { start };
            var current = byResult[start];
            while (current.Action == StrategyAction.SameAs && current.SameAs is { } next)
            {
                if (path.Contains(next)) { path.Add(next); return path[path.IndexOf(next)..]; }
                path.Add(next);
                if (!byResult.TryGetValue(next, out current!)) break;
            }
        }
        return null;
    }

    /// <summary>
    /// The rule that applies to a result: the campaign's own (following "same as"), else the default. A do-not-call
    /// request is always suppressed whatever the strategy says: honouring it is the law, not a preference.
    /// </summary>
    public static StrategyRule RuleFor(ContactStrategy strategy, CallResult result)
    {
        if (result == CallResult.DncRequest) return Defaults.First(r => r.Result == CallResult.DncRequest);
        var seen = new HashSet<CallResult>();
        var current = result;
        while (seen.Add(current))
        {
            var rule = strategy.Rules.FirstOrDefault(r => r.Result == current) ?? Defaults.FirstOrDefault(r => r.Result == current);
            if (rule is null) return new StrategyRule { Result = result, Action = StrategyAction.Done };
            if (rule.Action != StrategyAction.SameAs || rule.SameAs is null) return rule;
            current = rule.SameAs.Value;
        }
        return new StrategyRule { Result = result, Action = StrategyAction.Done }; // unreachable for a validated strategy
    }

    /// <summary>
    /// Decides what follows a result. <paramref name="retriesMade"/> counts the retries of this device already spent
    /// on the same rule; a callback is a retry at the time the contact asked for and spends none.
    /// </summary>
    public static StrategyDecision Decide(ContactStrategy strategy, CallResult result, int retriesMade, DateTimeOffset at, DateTimeOffset? callbackAt)
    {
        if (result == CallResult.CallbackRequested)
            return new StrategyDecision(StrategyAction.Retry, callbackAt ?? at, $"callback requested for {(callbackAt ?? at):u}");
        var rule = RuleFor(strategy, result);
        var name = result.ToWire();
        switch (rule.Action)
        {
            case StrategyAction.Retry when retriesMade < rule.MaxRetries:
                var wait = TimeSpan.FromMinutes(rule.DelayMinutes + (long)rule.IncrementMinutes * retriesMade);
                return new StrategyDecision(StrategyAction.Retry, at + wait,
                    $"{name}: retry {retriesMade + 1} of {rule.MaxRetries} after {(int)wait.TotalMinutes} min");
            case StrategyAction.Retry:
                return new StrategyDecision(rule.Then, null, $"{name}: {rule.MaxRetries} retries used, so {Wire(rule.Then)}");
            default:
                return new StrategyDecision(rule.Action, null, $"{name}: {Wire(rule.Action)}");
        }
    }

    public static string Wire(StrategyAction a) => a switch
    {
        StrategyAction.Retry => "retry",
        StrategyAction.NextDevice => "next-device",
        StrategyAction.Done => "done",
        StrategyAction.Suppress => "suppress",
        StrategyAction.SameAs => "same-as",
        _ => a.ToString(),
    };

    public static bool TryParse(string? s, out StrategyAction a)
    {
        a = StrategyAction.Done;
        switch (s?.Trim().ToLowerInvariant())
        {
            case "retry": a = StrategyAction.Retry; return true;
            case "next-device": a = StrategyAction.NextDevice; return true;
            case "done": a = StrategyAction.Done; return true;
            case "suppress": a = StrategyAction.Suppress; return true;
            case "same-as": a = StrategyAction.SameAs; return true;
            default: return false;
        }
    }
}
