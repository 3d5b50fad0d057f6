namespace CxContact.Core.Campaigns;

/// <summary>What an operator (or a schedule) asks a campaign to do.</summary>
public enum CampaignAction
{
    Preload = 0,
    Start = 1,
    Pause = 2,
    Resume = 3,
    Stop = 4,
    ForceStop = 5,
    StartPaused = 6,
}
