using CxContact.Core.Campaigns;
using CxContact.Server.CallingList;

namespace CxContact.Server.Dialing;

/// <summary>
/// The pull API as a dialer sees it: lease records, report results. The simulator drives a campaign through it,
/// in-process (the same services the HTTP endpoints call) or over HTTP (the dial benchmark).
/// </summary>
public interface IDialerPort
{
    /// <summary>Leases up to count records; an empty lease when nothing is callable now or the campaign does not dial.</summary>
    Task<(Guid LeaseId, IReadOnlyList<(long RecordId, string Phone)> Records)> LeaseAsync(int count, CancellationToken ct);

    /// <summary>Reports results (at most a lease's worth); returns how many were refused (lease expired, campaign stopped).</summary>
    Task<int> ReportAsync(IReadOnlyList<DialerResult> results, CancellationToken ct);

    /// <summary>Nothing was leasable and nothing is in flight: lets the campaign notice that it is complete.</summary>
    Task IdleAsync(CancellationToken ct);

    /// <summary>Whether the campaign still runs (the simulator stops when it does not).</summary>
    Task<bool> RunningAsync(CancellationToken ct);
}
