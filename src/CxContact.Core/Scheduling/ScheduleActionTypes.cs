namespace CxContact.Core.Scheduling;

/// <summary>The action types of the API contract (other tools rely on these names).</summary>
public static class ScheduleActionTypes
{
    public const string ImportContactList = "import-contact-list";
    public const string ImportSuppressionList = "import-suppression-list";
    public const string ExportContactList = "export-contact-list";
    public const string PreloadCampaign = "preload-campaign";
    public const string StartCampaign = "start-campaign";
    public const string StartCampaignPaused = "start-campaign-paused";
    public const string StopCampaign = "stop-campaign";
    public const string ForceStopCampaign = "force-stop-campaign";
    public const string PurgeExpiredSuppression = "purge-expired-suppression";
    public const string RebuildSuppressionIndex = "rebuild-suppression-index";

    public static readonly IReadOnlyList<string> All =
    [
        ImportContactList, ImportSuppressionList, ExportContactList, PreloadCampaign, StartCampaign, StartCampaignPaused,
        StopCampaign, ForceStopCampaign, PurgeExpiredSuppression, RebuildSuppressionIndex,
    ];

    /// <summary>Actions on a campaign: they carry campaignId.</summary>
    public static readonly IReadOnlyList<string> CampaignActions =
        [PreloadCampaign, StartCampaign, StartCampaignPaused, StopCampaign, ForceStopCampaign];

    /// <summary>Actions on a suppression list: they carry listId.</summary>
    public static readonly IReadOnlyList<string> SuppressionActions = [PurgeExpiredSuppression, RebuildSuppressionIndex];
}
