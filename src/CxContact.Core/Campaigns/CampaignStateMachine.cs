namespace CxContact.Core.Campaigns;

/// <summary>
/// The campaign life cycle: draft → preloading → ready → running ⇄ paused → stopping → stopped or completed, plus
/// force stop. Pure, so the grain and the tests share one table of what is allowed from where.
/// </summary>
public static class CampaignStateMachine
{
    public static string ToWire(this CampaignState s) => s switch
    {
        CampaignState.Draft => "draft",
        CampaignState.Preloading => "preloading",
        CampaignState.Ready => "ready",
        CampaignState.Running => "running",
        CampaignState.Paused => "paused",
        CampaignState.Stopping => "stopping",
        CampaignState.Stopped => "stopped",
        CampaignState.Completed => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, "Not a campaign state."),
    };

    public static string ToWire(this CampaignAction a) => a switch
    {
        CampaignAction.Preload => "preload",
        CampaignAction.Start => "start",
        CampaignAction.StartPaused => "start-paused",
        CampaignAction.Pause => "pause",
        CampaignAction.Resume => "resume",
        CampaignAction.Stop => "stop",
        CampaignAction.ForceStop => "force-stop",
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, "Not a campaign action."),
    };

    /// <summary>
    /// The states an action may be taken from. A preload is allowed while running or paused too: it is incremental
    /// and leaves leased records alone. Start from draft preloads first; start from stopped or completed re-preloads.
    /// </summary>
    public static IReadOnlyList<CampaignState> AllowedFrom(CampaignAction a) => a switch
    {
        CampaignAction.Preload => [CampaignState.Draft, CampaignState.Ready, CampaignState.Running, CampaignState.Paused, CampaignState.Stopped, CampaignState.Completed],
        CampaignAction.Start or CampaignAction.StartPaused => [CampaignState.Draft, CampaignState.Ready, CampaignState.Stopped, CampaignState.Completed],
        CampaignAction.Pause => [CampaignState.Running],
        CampaignAction.Resume => [CampaignState.Paused],
        CampaignAction.Stop => [CampaignState.Running, CampaignState.Paused, CampaignState.Ready],
        CampaignAction.ForceStop => [CampaignState.Preloading, CampaignState.Ready, CampaignState.Running, CampaignState.Paused, CampaignState.Stopping],
        _ => [],
    };

    public static bool Allows(CampaignState from, CampaignAction a) => AllowedFrom(a).Contains(from);

    /// <summary>Whether a dialer may lease records: only a running campaign dials.</summary>
    public static bool Dials(this CampaignState s) => s == CampaignState.Running;

    /// <summary>Whether results may still arrive: calls placed before a pause or a graceful stop still end.</summary>
    public static bool TakesResults(this CampaignState s) => s is CampaignState.Running or CampaignState.Paused or CampaignState.Stopping;
}
