using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Api;

/// <summary>
/// A GET that meets an <see cref="Outage"/> runs once more after a short pause before it answers 503: a read changes
/// nothing, so running it twice is safe, and a silo that just died or a pool reconnecting after a database restart often
/// answers the second time. Only while nothing of the answer was sent; a second failure goes to <see cref="ApiExceptionHandler"/>.
/// </summary>
public sealed class ReadRetryFilter(ILogger<ReadRetryFilter> log) : IEndpointFilter
{
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)) return await next(context);
        try
        {
            return await next(context);
        }
        catch (Exception e) when (Outage.Of(e) is not null && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            log.LogInformation("GET {Path} met an outage ({Error}); trying it once more", http.Request.Path, e.Message);
            await Task.Delay(Pause, http.RequestAborted);
            return await next(context);
        }
    }
}
