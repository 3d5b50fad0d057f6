using CxContact.Core.Dialing;

namespace CxContact.Core.Campaigns;

/// <summary>
/// One per campaign group, keyed by the campaign id with the tenant id as key extension. Holds configuration, the
/// state machine and the last preload's summary; the calling list is rows in PostgreSQL, leased and resulted there.
/// </summary>
public interface ICampaignGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Creates the campaign in draft; fails if it exists.</summary>
    Task<CampaignInfo> CreateAsync(CampaignDefinition definition);

    /// <summary>Returns the campaign, or null when it does not exist or was deleted.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<CampaignInfo?> GetAsync();

    /// <summary>Replaces the configuration; refused (409) while preloading or stopping.</summary>
    Task<CampaignInfo?> UpdateAsync(CampaignDefinition definition);

    /// <summary>Deletes the campaign and drops its calling list; refused while running.</summary>
    Task<bool> DeleteAsync();

    /// <summary>
    /// Takes an action and answers at once. A preload (and a start that needs one first) runs in the background with
    /// the state "preloading"; a second one meanwhile is refused. Refused with
    /// <see cref="CampaignActionRefusedException"/> whenever the current state does not allow the action.
    /// </summary>
    Task<CampaignInfo> ActAsync(CampaignAction action);

    /// <summary>Marks a running campaign completed when nothing is left to dial (called by whoever notices).</summary>
    Task CheckCompletedAsync();

    /// <summary>Starts the built-in dialer simulator on this running campaign (replacing one that runs).</summary>
    Task SimulateAsync(SimulationSettings settings);

    /// <summary>The simulator's latest report, or null when none ran since activation.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<SimulationReport?> SimulationAsync();
}
