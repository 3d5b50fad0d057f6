using CxContact.Core.Campaigns;
using CxContact.Server.CallingList;

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

    public async Task<int> ReportAsync(IReadOnlyList<DialerResult> batch, CancellationToken ct)
    {
        if (await Grain.GetAsync() is not { } info || !info.State.TakesResults()) return batch.Count;
        var answers = await results.RecordManyAsync(tenantId, campaignId, info.Definition,
            [.. batch.Select(r => new ResultRecorder.Request(r.LeaseId, r.RecordId, r.Result, null, r.At, r.CallbackAt))], ct);
        return answers.Count(a => a.Refused is not null);
    }

    public Task IdleAsync(CancellationToken ct) => Grain.CheckCompletedAsync();

    public async Task<bool> RunningAsync(CancellationToken ct) => await Grain.GetAsync() is { State: CampaignState.Running };
}
