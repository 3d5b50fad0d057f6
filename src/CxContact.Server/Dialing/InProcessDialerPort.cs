using CxContact.Core.Campaigns;

namespace CxContact.Server.Dialing;

/// <summary>The pull API in-process: the same lease and result services the HTTP endpoints call, for the built-in simulator.</summary>
public sealed class InProcessDialerPort(IGrainFactory grains, LeaseService leases, ResultRecorder results, Guid tenantId, Guid campaignId) : IDialerPort
{
    private ICampaignGrain Grain => grains.GetGrain<ICampaignGrain>(campaignId, tenantId.ToString());

    public async Task<(Guid LeaseId, IReadOnlyList<(long RecordId, string Phone)> Records)> LeaseAsync(int count, CancellationToken ct)
    {
        if (await Grain.GetAsync() is not { State: CampaignState.Running } info) return (Guid.Empty, []);
        var lease = await leases.LeaseAsync(tenantId, campaignId, info.Definition, Math.Min(count, LeaseService.MaxCount), ct);
        return (lease.LeaseId, lease.Records.Select(r => (r.RecordId, r.Phone)).ToList());
    }

    public async Task<bool> ReportAsync(Guid leaseId, long recordId, CallResult result, DateTimeOffset at, DateTimeOffset? callbackAt, CancellationToken ct)
    {
        if (await Grain.GetAsync() is not { } info || !info.State.TakesResults()) return false;
        try
        {
            await results.RecordAsync(tenantId, campaignId, info.Definition, new ResultRecorder.Request(leaseId, recordId, result, null, at, callbackAt), ct);
            return true;
        }
        catch (ResultRefusedException) { return false; }
    }

    public Task IdleAsync(CancellationToken ct) => Grain.CheckCompletedAsync();

    public async Task<bool> RunningAsync(CancellationToken ct) => await Grain.GetAsync() is { State: CampaignState.Running };
}
