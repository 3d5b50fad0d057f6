using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using CxContact.Core.Campaigns;
using CxContact.Core.Compliance;
using CxContact.Server.Campaigns;
using CxContact.Server.Lists;
using CxContact.Server.Platform.Hosting;
using Npgsql;
using RedisRateLimiting;
using StackExchange.Redis;
using CxContact.Server.CallingList;

namespace CxContact.Server.Messaging;

/// <summary>
/// The Dial Manager's sender, on every messaging silo: for each running SMS or email campaign it leases records the
/// way a dialer does (so filters, suppression, quiet hours, consent and attempt limits are the Compliance Manager's,
/// per channel), renders each message, writes it to the outbox, hands it to the campaign's gateway and reports the
/// record's result. Every silo leases from every campaign (SKIP LOCKED keeps them apart), so a silo more is more
/// throughput; the campaign's and the tenant's caps are token buckets in Redis that all silos share.
/// </summary>
public sealed class MessageSender(
    IGrainFactory grains, CampaignStore campaigns, LeaseService leases, ResultRecorder results, MessageOutbox outbox, MessageTemplateStore templates, DncWriter dnc,
    MessageGateways gateways, NpgsqlDataSource db, IConnectionMultiplexer redis, PlatformClock clock, PlatformSettings settings,
    Platform.Tenancy.Limits.TenantLimitsStore limits, ILogger<MessageSender> log)
    : BackgroundService
{
    /// <summary>Messages one lease hands over at once.</summary>
    private const int Parallel = 32;

    /// <summary>
    /// Leases in flight per silo: while one waits on the gateway, another leases, renders or records, so the database
    /// work of a lease overlaps the sending of the one before (SKIP LOCKED keeps them apart, as between silos).
    /// </summary>
    private const int Workers = 4;
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, RateLimiter> _buckets = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _backoff = new();

    protected override Task ExecuteAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(i => Task.Run(async () =>
        {
            // Start apart, so the workers' leases interleave instead of all waiting on the gateway at once.
            await Task.Delay(i * Idle / Workers, stop).ContinueWith(_ => { }, CancellationToken.None);
            await LoopAsync(stop);
        }, CancellationToken.None)));

    private async Task LoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                var running = await campaigns.RunningMessagingAsync(stop);
                foreach (var (tenantId, campaignId) in running)
                {
                    if (_backoff.TryGetValue(campaignId, out var until) && until > clock.GetUtcNow()) continue;
                    if (await grains.GetGrain<ICampaignGrain>(campaignId, tenantId.ToString()).GetAsync() is not { State: CampaignState.Running } info
                        || info.Definition.Channel == Channel.Voice)
                        continue;
                    sent += await SendBatchAsync(tenantId, campaignId, info.Definition, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Anything a pass meets (a silo still joining the cluster, PostgreSQL or Redis away, a gateway's odd
                // answer) ends the pass, not the sender: what was not sent is still in the outbox or the calling list.
                log.LogWarning(e, "Message sender: a pass failed; trying again shortly");
                sent = 0;
            }
            if (sent == 0) await Task.Delay(Idle, stop).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>One lease's worth for one campaign; the number of messages handed over.</summary>
    public async Task<int> SendBatchAsync(Guid tenantId, Guid campaignId, CampaignDefinition def, CancellationToken ct)
    {
        if (def.TemplateId is not { } templateId || def.GatewayId is not { } gatewayId) return 0;
        var permits = await TakeAsync(Bucket($"campaign:{campaignId}", def.MessagesPerSecond), Math.Min(def.MessagesPerSecond, LeaseService.MaxCount), ct);
        var tenantRate = (await limits.EffectiveAsync(tenantId, ct)).MessagesPerSecond;
        permits = await TakeAsync(Bucket($"tenant:{tenantId}", tenantRate), permits, ct);
        if (permits == 0) return 0;

        var clock0 = System.Diagnostics.Stopwatch.StartNew();
        var lease = await leases.LeaseAsync(tenantId, campaignId, def, permits, ct);
        var leased = clock0.Elapsed.TotalSeconds;
        if (lease.Records.Count == 0)
        {
            if (lease.Deferred == 0) await grains.GetGrain<ICampaignGrain>(campaignId, tenantId.ToString()).CheckCompletedAsync();
            return 0;
        }
        var template = await templates.GetAsync(tenantId, templateId, ct);
        var gateway = await gateways.OpenAsync(tenantId, gatewayId, ct);
        if (template is null || gateway is null)
        {
            log.LogWarning("Campaign {Campaign}: its template or gateway is gone; nothing sent", campaignId);
            _backoff[campaignId] = clock.GetUtcNow().AddSeconds(30);
            return 0;
        }
        var parsed = template.Parsed();
        var contacts = await ContactFields.LoadAsync(db, tenantId, [.. lease.Records.Select(r => r.ContactId).Distinct()], ct,
            [.. def.ContactLists.Select(l => l.Id)]);

        // Render, then write every message of the lease to the outbox in one statement (a record leased again for the
        // same attempt gets its earlier message back), and mark those to hand over "sending" in one more, before any
        // leaves: that commit is what keeps a silo killed mid-send from sending twice.
        var html = new Dictionary<long, string?>();
        var fresh = new List<MessageOutbox.Message>(lease.Records.Count);
        foreach (var record in lease.Records)
        {
            if (!contacts.TryGetValue(record.ContactId, out var contact)) continue;
            var (subject, body, h) = await MessageTemplateText.RenderAsync(parsed, ContactFields.Of(contact, record.Phone));
            html[record.RecordId] = h;
            fresh.Add(new MessageOutbox.Message(Guid.CreateVersion7(), tenantId, campaignId, record.RecordId, record.Attempt, record.ContactId,
                def.Channel.ToWire(), record.Phone, gatewayId, templateId, subject, body,
                def.Channel == Channel.Sms ? Core.Messaging.SmsSegments.Count(body).Segments : null, MessageOutbox.Queued, 0, null, null, default, null, null));
        }
        var rendered = clock0.Elapsed.TotalSeconds;
        var messages = await outbox.ClaimAsync(fresh, ct);
        var reported = new ConcurrentBag<ResultRecorder.Request>();
        var moves = new ConcurrentBag<(Guid, string, string?, string?)>();
        var toSend = new List<MessageOutbox.Message>(messages.Count);
        foreach (var m in messages)
        {
            switch (m.State)
            {
                case MessageOutbox.Sent or MessageOutbox.Delivered: reported.Add(Result(m, CallResult.MessageSent)); continue;
                case MessageOutbox.Failed or MessageOutbox.Undeliverable: reported.Add(Result(m, CallResult.MessageFailed)); continue;
            }
            if (m.Segments > Core.Messaging.SmsSegments.MaxSegments)
            {
                // Kannel drops what is past the tenth part and still answers 202: never hand such a text over.
                moves.Add((m.Id, MessageOutbox.Failed, $"the text takes {m.Segments} SMS segments for this contact; at most {Core.Messaging.SmsSegments.MaxSegments}", null));
                reported.Add(Result(m, CallResult.MessageFailed));
                continue;
            }
            // A message left "sending" by a silo that died before it heard back was handed over under an earlier lease
            // that has run out (or the record could not be leased again), with no receipt since: it goes again, same id.
            toSend.Add(m);
        }
        await outbox.MoveAsync(tenantId, [.. toSend.Select(m => (m.Id, MessageOutbox.Sending, (string?)null, (string?)null))], ct);
        var marked = clock0.Elapsed.TotalSeconds;

        var down = 0;
        var bounces = new ConcurrentBag<MessageOutbox.Message>();
        await System.Threading.Tasks.Parallel.ForEachAsync(toSend, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = ct },
            async (m, token) =>
            {
                if (Volatile.Read(ref down) == 1) { moves.Add((m.Id, MessageOutbox.Queued, "not sent: the gateway was unavailable", null)); return; }
                var unsubscribe = m.Channel == "email" ? $"<mailto:{gateway.Value.Row.Settings.FromAddress}?subject=unsubscribe%20{m.Id:N}>" : null;
                try
                {
                    var reference = await gateway.Value.Gateway.SendAsync(new OutboundMessage(m.Id, m.Recipient, m.Subject, m.Body, html.GetValueOrDefault(m.RecordId), unsubscribe), token);
                    moves.Add((m.Id, MessageOutbox.Sent, reference, reference));
                    reported.Add(Result(m, CallResult.MessageSent));
                    MessagingMetrics.Sent.Add(1, new KeyValuePair<string, object?>("channel", m.Channel));
                }
                catch (MessageRefusedException e)
                {
                    moves.Add((m.Id, MessageOutbox.Failed, e.Message, null));
                    reported.Add(Result(m, CallResult.MessageFailed));
                    MessagingMetrics.Failed.Add(1, new KeyValuePair<string, object?>("channel", m.Channel));
                    if (m.Channel == "email") bounces.Add(m with { Error = e.Message });
                }
                catch (MessageDeferredException e)
                {
                    moves.Add((m.Id, MessageOutbox.Queued, e.Message, null));
                    MessagingMetrics.Deferred.Add(1, new KeyValuePair<string, object?>("channel", m.Channel));
                }
                catch (Exception e) when (e is GatewayUnavailableException || !token.IsCancellationRequested)
                {
                    // The gateway could not take it, or threw something else: either way the message waits queued and the
                    // campaign backs off (an escaped exception would leave the whole lease "sending" until it runs out).
                    var unavailable = e is GatewayUnavailableException;
                    moves.Add((m.Id, MessageOutbox.Queued, (unavailable ? "gateway unavailable: " : "not sent: ") + e.Message, null));
                    MessagingMetrics.Deferred.Add(1, new KeyValuePair<string, object?>("channel", m.Channel));
                    if (Interlocked.Exchange(ref down, 1) != 0) return;
                    if (unavailable) log.LogWarning("Campaign {Campaign}: gateway {Gateway} unavailable: {Reason}", campaignId, gateway.Value.Row.Name, e.Message);
                    else log.LogWarning(e, "Campaign {Campaign}: gateway {Gateway} failed unexpectedly", campaignId, gateway.Value.Row.Name);
                }
            });
        var sentAt = clock0.Elapsed.TotalSeconds;
        await outbox.MoveAsync(tenantId, [.. moves], ct);
        // A hard bounce is never retried; with a bounce list set, no campaign of the tenant tries the address again.
        if (gateway.Value.Row.Settings.BounceListId is { } bounceList)
            foreach (var m in bounces)
                await dnc.AddToListAsync(tenantId, bounceList, new Suppression.SuppressionEntry(Core.Suppression.SuppressionEntryType.Email, m.Recipient,
                    clock.GetUtcNow(), null, $"hard bounce of message {m.Id}: {m.Error}"), ct);

        ResultRecorder.Request Result(MessageOutbox.Message m, CallResult r) => new(lease.LeaseId, m.RecordId, r, null, null, null);
        var handed = clock0.Elapsed.TotalSeconds;
        if (!reported.IsEmpty) await results.RecordManyAsync(tenantId, campaignId, def, [.. reported], ct);
        log.LogDebug("Campaign {Campaign}: {Count} messages handed over in {Seconds:0.000} s (lease {Lease:0.000} s, render {Render:0.000} s, outbox {Outbox:0.000} s, "
            + "gateway {Send:0.000} s, outbox {After:0.000} s, results {Results:0.000} s)",
            campaignId, reported.Count, clock0.Elapsed.TotalSeconds, leased, rendered - leased, marked - rendered, sentAt - marked, handed - sentAt, clock0.Elapsed.TotalSeconds - handed);
        if (down == 1)
        {
            // The gateway took nothing: wait before the next try (the unsent records' lease runs out meanwhile, and
            // their messages stay in the outbox, queued, for the next lease of the same records).
            _backoff[campaignId] = clock.GetUtcNow().AddSeconds(Math.Min(60, 2 << Math.Min(5, Failures(campaignId))));
        }
        else _failures.TryRemove(campaignId, out _);
        return reported.Count;
    }

    private readonly ConcurrentDictionary<Guid, int> _failures = new();

    private int Failures(Guid campaignId) => _failures.AddOrUpdate(campaignId, 1, (_, n) => n + 1);

    private RateLimiter Bucket(string key, int perSecond) =>
        _buckets.GetOrAdd($"{key}:{perSecond}", _ => new RedisTokenBucketRateLimiter<string>($"{settings.RedisPrefix}msg-rate:{key}", new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis, TokenLimit = Math.Max(1, perSecond), TokensPerPeriod = Math.Max(1, perSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        }));

    /// <summary>
    /// Takes up to <paramref name="want"/> permits, fewer when the bucket holds fewer (halving until one fits). The
    /// Redis bucket answers at once (it keeps no queue); its synchronous AttemptAcquire always says no.
    /// </summary>
    private static async Task<int> TakeAsync(RateLimiter bucket, int want, CancellationToken ct)
    {
        for (var n = want; n > 0; n /= 2)
        {
            using var lease = await bucket.AcquireAsync(n, ct);
            if (lease.IsAcquired) return n;
        }
        return 0;
    }
}
