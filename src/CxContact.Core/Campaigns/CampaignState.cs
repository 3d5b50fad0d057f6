namespace CxContact.Core.Campaigns;

/// <summary>Where a campaign group is in its life. Wire names are kebab-case lower.</summary>
public enum CampaignState
{
    Draft = 0,
    Preloading = 1,
    Ready = 2,
    Running = 3,
    Paused = 4,
    Stopping = 5,
    Stopped = 6,
    Completed = 7,
}
