namespace CxContact.Admin.Shared;

/// <summary>
/// Reads something again and again in the background while a page is open, so the page renders at once and never
/// waits on a slow call; an API that does not answer is reported, and the next round tries again. The token ends it.
/// </summary>
public static class Poller
{
    public static async Task RunAsync(Func<CancellationToken, Task> refresh, TimeSpan every, Func<Task> changed, Action<string?> trouble,
        CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await refresh(ct);
                trouble(null);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is Microsoft.Kiota.Abstractions.ApiException or HttpRequestException)
            {
                trouble("The API did not answer: " + e.Message);
            }
            await changed();
            try { await Task.Delay(every, ct); } catch (OperationCanceledException) { return; }
        }
    }
}
