using CxContact.Admin.Api.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace CxContact.Admin.Shared;

/// <summary>
/// Follows a campaign's statistics over its server-sent-events stream (GET …/stats/stream, one "stats" event every
/// 2 s), through the generated client. A dropped stream is opened again after a pause; the caller's token ends it.
/// </summary>
public static class StatsStream
{
    public static async Task FollowAsync(ApiSession session, Guid campaignId, Func<Snapshot, Task> onSnapshot, Action<string?> onTrouble,
        CancellationToken ct)
    {
        var pause = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var stream = await session.Api.Api.V1.Campaigns[campaignId].Stats.Stream.GetAsync(cancellationToken: ct);
                using var reader = new StreamReader(stream!);
                onTrouble(null);
                pause = TimeSpan.FromSeconds(1);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                    if (await KiotaJsonSerializer.DeserializeAsync(line[6..], Snapshot.CreateFromDiscriminatorValue, ct) is { } snapshot)
                        await onSnapshot(snapshot);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is ApiException or HttpRequestException or IOException)
            {
                onTrouble($"The live statistics stopped ({e.Message}); reconnecting…");
            }
            try { await Task.Delay(pause, ct); } catch (OperationCanceledException) { return; }
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }
}
