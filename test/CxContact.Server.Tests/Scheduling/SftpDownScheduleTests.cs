using System.Collections.Concurrent;
using System.Net;
using CxContact.Server.Sftp;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Server.Tests.Sftp;
using CxContact.Server.Tests.Lists;
using CxContact.Testing.LocalServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>
/// A scheduled import from an SFTP server that is down: the pull is tried again with a doubling wait (short delays
/// configured for this host only), then the run ends failed with the reason: the server, what it did and how many
/// times it was tried. The waits are read from the server's own retry log lines, not timed.
/// </summary>
[Collection(SchedulingCollection.Name)]
public sealed class SftpDownScheduleTests : IAsyncLifetime
{
    private readonly RetryLog log = new();
    private readonly ApiFactory api;

    public SftpDownScheduleTests() => api = new ApiFactory().WithServices(s =>
    {
        s.AddSingleton(new SftpOptions { Attempts = 4, FirstRetryDelay = TimeSpan.FromMilliseconds(50), ConnectTimeout = TimeSpan.FromSeconds(5) });
        s.AddSingleton<ILoggerProvider>(log);
    });

    public Task InitializeAsync() => api.InitializeAsync();

    public Task DisposeAsync() => api.DisposeAsync();

    [Fact]
    public async Task An_sftp_server_that_is_down_is_retried_with_backoff_then_the_run_fails_with_the_reason()
    {
        var port = LocalProcess.FreePort();
        var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Down " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
        var http = api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
        var connection = await http.CreateSftpConnectionAsync(port);
        var lists = new ListClient(http);
        var list = await lists.CreateListAsync();
        var s = new ScheduleClient(http, api.Postgres);
        var schedule = (await s.CreateAsync(new
        {
            name = "Down", cron = "0 7 * * *", timeZone = "UTC",
            action = new { type = "import-contact-list", listId = list, sftpConnectionId = connection, remotePath = "daily.csv" },
        })).GetProperty("id").GetGuid();

        await s.RunNowAsync(schedule);

        var run = Assert.Single(await s.FinishedRunsAsync(schedule));
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Contains($"the SFTP server 127.0.0.1:{port} refused the connection after 4 attempts", run.GetProperty("error").GetString());
        var retries = log.Retries($"127.0.0.1:{port}");
        Assert.Equal([1, 2, 3], retries.Select(r => r.Attempt));
        Assert.Equal([TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], retries.Select(r => r.Delay));
        Assert.Equal(0, (await lists.ListAsync(list)).GetProperty("records").GetInt64());
    }

    /// <summary>Keeps the retry warnings SftpRetry logs ("... failed (attempt N of M): ...; retrying in D").</summary>
    private sealed class RetryLog : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<IReadOnlyList<KeyValuePair<string, object?>>> entries = new();

        public List<(int Attempt, TimeSpan Delay)> Retries(string server) => entries
            .Where(e => e.Any(kv => kv.Key == "Server" && kv.Value?.ToString() == server))
            .Select(e => ((int)e.First(kv => kv.Key == "Attempt").Value!, (TimeSpan)e.First(kv => kv.Key == "Delay").Value!))
            .OrderBy(r => r.Item1).ToList();

        public ILogger CreateLogger(string categoryName) => categoryName == typeof(SftpRetry).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Any(kv => kv.Key == "Delay")) entries.Enqueue(values.ToList());
        }

        public bool IsEnabled(LogLevel logLevel) => true;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public void Dispose() { }
    }
}
