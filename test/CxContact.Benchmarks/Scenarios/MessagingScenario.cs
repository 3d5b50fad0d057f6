using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CxContact.Testing.LocalServices;
using MailKit.Net.Smtp;
using MimeKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// N texts through Kannel to its fake SMSC and N emails through a local Postfix, each an SMS or email campaign from
/// start to every message "sent", with Kannel's delivery reports flowing back. The figure is messages per second per
/// channel; the baselines, in the same run, drive the same gateways raw. For Kannel the headline baseline is the same
/// work without the platform: parallel sendsms calls asking for the same delivery reports, which Kannel posts to a bare
/// endpoint, timed until the last message is accepted (the platform's "sent"); sendsms with no reports at all is also
/// printed, but on 2 cores Kannel's own report callbacks cost it more than half its speed, so no sender that asks for
/// reports can come near it. For SMTP: one MailKit connection sending in a loop. Duplicates must be 0.
/// </summary>
public sealed class MessagingScenario : IScenario
{
    public string Name => "messaging";
    public string Description => "messages/s of an SMS campaign through Kannel and an email campaign through Postfix, end to end, vs the gateways driven raw";
    public int DefaultSize => 100_000;

    /// <summary>CXC_BENCH_DLR_MASK: the delivery reports asked for (default 31, every kind; 0 measures sending alone).</summary>
    private static int DlrMask => int.TryParse(Environment.GetEnvironmentVariable("CXC_BENCH_DLR_MASK"), out var m) ? m : 31;

    /// <summary>
    /// CXC_BENCH_KILL_SILO=1: a second messaging silo joins before the SMS campaign starts and is killed (SIGKILL)
    /// when half the texts are sent; its leases run out (the campaign's lease is 30 s in this run) and the first silo
    /// sends the rest. Duplicates must still be 0.
    /// </summary>
    private static bool KillSilo => Environment.GetEnvironmentVariable("CXC_BENCH_KILL_SILO") == "1";

    public async Task<ScenarioResult> RunAsync(int size, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cxc-bench-messaging-").FullName;
        try
        {
            await using var server = await BenchmarkServer.StartAsync("messaging", Path.Combine(work, "landing"), ct,
                env: new Dictionary<string, string> { ["CXC_MESSAGES_PER_SECOND_PER_TENANT"] = "65535", ["Logging__LogLevel__CxContact.Server.Messaging.MessageSender"] = "Debug" });
            await using var kannel = LocalKannel.Reserve();
            await using var mta = await LocalMta.StartAsync();
            var sms = await server.PostAsync("/api/v1/messaging-gateways", new
            {
                name = "kannel", kind = "kannel", username = LocalKannel.Username, password = LocalKannel.Password,
                settings = new { sendsmsUrl = kannel.SendsmsUrl, from = "12345", callbackBaseUrl = server.BaseAddress.ToString(), dlrMask = DlrMask },
            }, ct);
            await kannel.StartAsync(sms.GetProperty("callbackUrls").GetProperty("inbound").GetString()!);
            var smtp = await server.PostAsync("/api/v1/messaging-gateways", new
            {
                name = "postfix", kind = "smtp", settings = new { host = "127.0.0.1", port = mta.Port, fromAddress = "bench@cxcontact.example" },
            }, ct);

            var list = await ListAsync(server, work, size, ct);
            await using var second = KillSilo ? await server.JoinAsync("messaging", ct) : null;
            var smsRate = await CampaignAsync(server, list, "sms", sms.GetProperty("gateway").GetProperty("id").GetGuid(), size, ct, second is null ? null : () =>
            {
                second.Kill();
                Console.WriteLine($"{Name}: killed the second messaging silo halfway");
            });
            var smsDuplicates = Duplicates(kannel.Received().Select(m => m.To));
            var delivered = DlrMask == 0 ? (0, 0.0) : await DeliveredAsync(server, smsRate.Campaign, size, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: sms: {size:N0} sent in {smsRate.Seconds:F1} s = {smsRate.PerSecond:N0}/s; {delivered.Item1:N0} delivered (DLR) by {smsRate.Seconds + delivered.Item2:F1} s; duplicates {smsDuplicates}"));
            var emailRate = await CampaignAsync(server, list, "email", smtp.GetProperty("gateway").GetProperty("id").GetGuid(), size, ct);
            var emailDuplicates = Duplicates(mta.Delivered().Select(m => m.To.Mailboxes.Single().Address));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: email: {size:N0} sent in {emailRate.Seconds:F1} s = {emailRate.PerSecond:N0}/s; duplicates {emailDuplicates}"));

            var rawSms = await RawKannelAsync(kannel, Math.Min(size, 20_000), ct);
            var rawSmsReports = DlrMask == 0 ? rawSms : await RawKannelAsync(kannel, Math.Min(size, 20_000), ct, DlrMask);
            var rawSmtp = await RawSmtpAsync(mta.Port, Math.Min(size, 20_000), ct);
            var deliveredRate = delivered.Item1 == 0 ? 0 : delivered.Item1 / (smsRate.Seconds + delivered.Item2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name}: baselines: raw sendsms with the same reports to a bare endpoint (128 parallel) {rawSmsReports.Sent:N0}/s sent (ratio {smsRate.PerSecond / rawSmsReports.Sent:F2}), {rawSmsReports.Reported:N0}/s until every report (ratio of ours until delivered {deliveredRate / rawSmsReports.Reported:F2}); raw sendsms asking for no reports (16 parallel) {rawSms.Sent:N0}/s (ratio {smsRate.PerSecond / rawSms.Sent:F2}); raw MailKit loop {rawSmtp:N0}/s (ratio {emailRate.PerSecond / rawSmtp:F2})"));
            return ScenarioResult.Create(Name, size, "messages_per_s", smsRate.PerSecond, "SMS/s",
                "raw Kannel sendsms asking for the same delivery reports, 128 parallel calls", rawSmsReports.Sent) with
            {
                Extra = new()
                {
                    ["sms_per_s"] = Math.Round(smsRate.PerSecond, 1), ["sms_duplicates"] = smsDuplicates,
                    ["sms_delivered"] = delivered.Count, ["sms_delivered_per_s"] = Math.Round(deliveredRate, 1),
                    ["raw_sms_reports_in_per_s"] = Math.Round(rawSmsReports.Reported, 1),
                    ["sms_delivered_ratio"] = rawSmsReports.Reported == 0 ? 0 : Math.Round(deliveredRate / rawSmsReports.Reported, 3),
                    ["raw_sms_no_reports_per_s"] = Math.Round(rawSms.Sent, 1), ["sms_ratio_no_reports"] = Math.Round(smsRate.PerSecond / rawSms.Sent, 3),
                    ["email_per_s"] = Math.Round(emailRate.PerSecond, 1), ["email_ratio"] = Math.Round(emailRate.PerSecond / rawSmtp, 3),
                    ["email_duplicates"] = emailDuplicates, ["raw_smtp_per_s"] = Math.Round(rawSmtp, 1),
                    ["peak_working_set_mb"] = Math.Round(server.PeakWorkingSetMb()), ["silo_killed_halfway"] = KillSilo,
                },
            };
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { /* best effort */ }
        }
    }

    /// <summary>N contacts in Berlin (no calling-hour rules in the default set), each with a mobile and an address.</summary>
    private static async Task<Guid> ListAsync(BenchmarkServer server, string work, int size, CancellationToken ct)
    {
        var file = Path.Combine(work, "contacts.csv");
        await using (var w = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20))
        {
            await w.WriteAsync("client_id,first_name,phone1,email1,country,tz,consent_autodial_mobile\n");
            for (var i = 0; i < size; i++)
                await w.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"K{i},Kunde,+49151{10_000_000 + i},k{i}@example.com,DE,Europe/Berlin,yes\n"));
        }
        var list = (await server.PostAsync("/api/v1/contact-lists", new { name = "bench" }, ct)).GetProperty("id").GetGuid();
        await using var stream = File.OpenRead(file);
        using var form = new MultipartFormDataContent { { new StreamContent(stream), "file", "contacts.csv" } };
        var accepted = JsonDocument.Parse(await (await server.Http.PostAsync($"/api/v1/contact-lists/{list}/imports", form, ct)).Content.ReadAsStringAsync(ct)).RootElement;
        await ImportScenario.WaitDoneAsync(server.Http, list, accepted.GetProperty("id").GetGuid(), ct);
        return list;
    }

    private sealed record Rate(Guid Campaign, double Seconds, double PerSecond);

    /// <summary>Starts a campaign of the channel and times it from start to every message sent.</summary>
    /// <param name="halfway">Called once, when half the messages are sent.</param>
    private static async Task<Rate> CampaignAsync(BenchmarkServer server, Guid list, string channel, Guid gateway, int size, CancellationToken ct, Action? halfway = null)
    {
        var template = (await server.PostAsync("/api/v1/message-templates", new
        {
            name = channel, channel, purpose = "informational", subject = channel == "email" ? "Hello {{ first_name }}" : null,
            body = "Hallo {{ first_name }}, your appointment is tomorrow at 10:00.",
        }, ct)).GetProperty("id").GetGuid();
        var campaign = (await server.PostAsync("/api/v1/campaigns", new
        {
            name = channel, channel, templateId = template, gatewayId = gateway, contactLists = new[] { new { id = list, weight = 1 } }, messagesPerSecond = 10_000,
            leaseSeconds = halfway is null ? 300 : 30,
        }, ct)).GetProperty("id").GetGuid();
        await server.PostAsync($"/api/v1/campaigns/{campaign}/preload", new { }, ct);
        while (JsonDocument.Parse(await server.Http.GetStringAsync($"/api/v1/campaigns/{campaign}", ct)).RootElement.GetProperty("state").GetString() != "ready")
            await Task.Delay(200, ct);
        var clock = Stopwatch.StartNew();
        await server.PostAsync($"/api/v1/campaigns/{campaign}/start", new { }, ct);
        long sent = 0, last = -1;
        var stalled = Stopwatch.StartNew();
        while (sent < size)
        {
            await Task.Delay(1000, ct);
            var stats = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/v1/campaigns/{campaign}/messages/stats", ct)).RootElement;
            sent = stats.GetProperty("sent").GetInt64() + stats.GetProperty("failed").GetInt64();
            if (sent != last) { last = sent; stalled.Restart(); }
            if (halfway is not null && sent >= size / 2) { halfway(); halfway = null; }
            if (clock.Elapsed.TotalSeconds % 10 < 1) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {channel}: {sent:N0} sent, {sent / clock.Elapsed.TotalSeconds:N0}/s"));
            if (stalled.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"the {channel} campaign stalled at {sent:N0} of {size:N0}: {stats}");
        }
        return new Rate(campaign, clock.Elapsed.TotalSeconds, size / clock.Elapsed.TotalSeconds);
    }

    private static async Task<(long Count, double Seconds)> DeliveredAsync(BenchmarkServer server, Guid campaign, int size, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long delivered = 0;
        while (delivered < size && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            delivered = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/v1/campaigns/{campaign}/messages/stats", ct)).RootElement
                .GetProperty("delivered").GetInt64();
            if (delivered < size) await Task.Delay(500, ct);
        }
        return (delivered, clock.Elapsed.TotalSeconds);
    }

    private static long Duplicates(IEnumerable<string> recipients)
    {
        var all = recipients.ToList();
        return all.Count - all.Distinct(StringComparer.Ordinal).LongCount();
    }

    /// <summary>
    /// Kannel driven raw: 16 parallel sendsms calls. With <paramref name="dlrMask"/> set, every message also asks for
    /// its delivery reports, which Kannel calls back on a bare Kestrel endpoint that only counts them (what Kannel itself spends on
    /// reports, without the platform), and the time runs until the last report is in.
    /// </summary>
    /// <returns>Messages per second until the last was accepted, and until its last report was in (the same without reports).</returns>
    private static async Task<(double Sent, double Reported)> RawKannelAsync(LocalKannel kannel, int n, CancellationToken ct, int dlrMask = 0)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128 });
        await using var sink = dlrMask == 0 ? null : await ReportSink.StartAsync();
        var next = -1;
        var clock = Stopwatch.StartNew();
        // With reports each call waits longer (smsbox also calls back), so that run keeps as many calls in flight as the
        // platform's sender does (4 leases of 32).
        await Task.WhenAll(Enumerable.Range(0, dlrMask == 0 ? 16 : 128).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var i && i < n)
            {
                var url = $"{kannel.SendsmsUrl}?username={LocalKannel.Username}&password={LocalKannel.Password}&to=%2B49160{10_000_000 + i}&from=12345" +
                          "&charset=UTF-8&coding=0&text=" + Uri.EscapeDataString("Hallo Kunde, your appointment is tomorrow at 10:00.") +
                          (sink is null ? "" : $"&dlr-mask={dlrMask}&dlr-url=" + Uri.EscapeDataString(sink.Url + $"?id={i}&type=%d"));
                using var r = await http.GetAsync(url, ct);
                r.EnsureSuccessStatusCode();
            }
        }));
        var sent = n / clock.Elapsed.TotalSeconds;
        if (sink is not null)
        {
            // fakesmsc reports "accepted" and "delivered" for every message that asked for both (mask 31).
            var expected = (dlrMask & 8) != 0 && (dlrMask & 1) != 0 ? 2L * n : n;
            while (sink.Count < expected && clock.Elapsed < TimeSpan.FromMinutes(5)) await Task.Delay(50, ct);
        }
        return (sent, n / clock.Elapsed.TotalSeconds);
    }

    private static async Task<double> RawSmtpAsync(int port, int n, CancellationToken ct)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None, ct);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            var m = new MimeMessage { Subject = "Hello Kunde" };
            m.From.Add(MailboxAddress.Parse("bench@cxcontact.example"));
            m.To.Add(MailboxAddress.Parse($"raw{i}@example.com"));
            m.Body = new TextPart("plain") { Text = "Hallo Kunde, your appointment is tomorrow at 10:00." };
            await client.SendAsync(m, ct);
        }
        var rate = n / clock.Elapsed.TotalSeconds;
        await client.DisconnectAsync(true, ct);
        return rate;
    }

    /// <summary>A bare Kestrel endpoint that answers 200 to every delivery report and counts them.</summary>
    private sealed class ReportSink : IAsyncDisposable
    {
        private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
        private long _count;

        private ReportSink(Microsoft.AspNetCore.Builder.WebApplication app, string url) => (_app, Url) = (app, url);

        public static async Task<ReportSink> StartAsync()
        {
            var port = LocalProcess.FreePort();
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var sink = new ReportSink(app, $"http://127.0.0.1:{port}/dlr");
            app.MapGet("/dlr", () => { Interlocked.Increment(ref sink._count); return "ok"; });
            await app.StartAsync();
            return sink;
        }

        public string Url { get; }
        public long Count => Interlocked.Read(ref _count);

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
