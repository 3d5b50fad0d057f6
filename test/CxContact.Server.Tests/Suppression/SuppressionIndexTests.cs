using CxContact.Core.Suppression;
using CxContact.Server.Suppression;
using CxContact.Testing.LocalServices;
using StackExchange.Redis;

namespace CxContact.Server.Tests.Suppression;

/// <summary>The Redis index on its own, against a real Redis with a key prefix of its own.</summary>
public sealed class SuppressionIndexTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly Guid _tenant = Guid.CreateVersion7();
    private readonly Guid _list = Guid.CreateVersion7();
    private readonly string _prefix = LocalRedis.NewPrefix("sup");
    private ConnectionMultiplexer _redis = null!;
    private SuppressionIndex _index = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(LocalRedis.ConfigurationString);
        _index = new SuppressionIndex(_redis, _prefix);
        await _index.InitAsync(_tenant, _list, 1);
    }

    public async Task DisposeAsync()
    {
        await _index.DropAsync(_tenant, _list);
        await _redis.DisposeAsync();
    }

    private static SuppressionEntry Phone(string e164, DateTimeOffset? starts = null, DateTimeOffset? expires = null) =>
        new(SuppressionEntryType.Phone, e164, starts, expires, null);

    private Task<SuppressionHit?> Find(string? phone = null, string? email = null, string? clientId = null, DateTimeOffset? at = null) =>
        _index.FindAsync(_tenant, [_list], phone, email, clientId, at ?? Now);

    [Fact]
    public async Task The_same_phone_in_five_formats_is_one_entry_and_all_five_match()
    {
        var normalizer = new SuppressionValueNormalizer();
        string[] formats = ["+1 (415) 555-2671", "415.555.2671", "1-415-555-2671", "4155552671", "+14155552671"];
        var values = formats.Select(f => normalizer.Normalize(SuppressionEntryType.Phone, f, "US", out _)).ToList();
        Assert.All(values, v => Assert.Equal("+14155552671", v));

        await _index.AddAsync(_tenant, _list, [Phone(values[0]!)], Now);

        foreach (var v in values) Assert.Equal(new SuppressionHit(_list, "phone", "+14155552671"), await Find(v));
        Assert.Null(await Find("+14155552672"));
    }

    [Fact]
    public async Task Non_nanp_phones_emails_and_client_ids_are_found_in_their_sets()
    {
        await _index.AddAsync(_tenant, _list,
        [
            Phone("+442079460000"),
            new SuppressionEntry(SuppressionEntryType.Email, "ada@example.com", null, null, null),
            new SuppressionEntry(SuppressionEntryType.ClientId, "C-1", null, null, null),
        ], Now);

        Assert.Equal("phone", (await Find("+442079460000"))?.Type);
        Assert.Equal("email", (await Find(email: "ada@example.com"))?.Type);
        Assert.Equal("clientId", (await Find("+14155550000", clientId: "C-1"))?.Type);
        Assert.Null(await Find("+442079460001", "bob@example.com", "C-2"));
    }

    [Fact]
    public async Task Expired_entries_do_not_suppress_and_future_ones_only_from_their_start()
    {
        await _index.AddAsync(_tenant, _list,
        [
            Phone("+14155550001", expires: Now.AddMinutes(-1)),
            Phone("+14155550002", starts: Now.AddHours(1)),
            Phone("+14155550003", expires: Now.AddHours(1)),
        ], Now);

        Assert.Null(await Find("+14155550001"));
        Assert.Null(await Find("+14155550002"));
        Assert.NotNull(await Find("+14155550002", at: Now.AddHours(1).AddSeconds(1)));
        Assert.NotNull(await Find("+14155550003"));
        Assert.Null(await Find("+14155550003", at: Now.AddHours(1).AddSeconds(2)));
        // Timed entries never touch the bitmaps, so expiry needs no rewrite.
        Assert.False(await _redis.GetDatabase().KeyExistsAsync(_index.NpaKey(_tenant, _list, "415")));
    }

    [Fact]
    public async Task An_entry_that_becomes_timed_leaves_the_bitmap_and_a_removed_one_is_gone()
    {
        await _index.AddAsync(_tenant, _list, [Phone("+14155550004"), Phone("+442079460000")], Now);
        await _index.AddAsync(_tenant, _list, [Phone("+14155550004", expires: Now.AddMinutes(-1))], Now);
        Assert.Null(await Find("+14155550004"));

        await _index.RemoveAsync(_tenant, _list, [("phone", "+442079460000")]);
        Assert.Null(await Find("+442079460000"));
    }

    [Fact]
    public async Task A_bitmap_per_area_code_is_at_most_one_and_a_quarter_megabytes()
    {
        await _index.AddAsync(_tenant, _list, [Phone("+14159999999"), Phone("+14152000000")], Now);

        var length = await _redis.GetDatabase().StringLengthAsync(_index.NpaKey(_tenant, _list, "415"));
        Assert.True(length <= 1_250_000, $"STRLEN {length}");
        Assert.Equal(1_250_000, length);
        // Allocated once at full size: grown bit by bit, Redis would hold 1.8 to 2.3 MB for the same bitmap.
        var usage = (long)await _redis.GetDatabase().ExecuteAsync("MEMORY", "USAGE", _index.NpaKey(_tenant, _list, "415"));
        Assert.True(usage <= 1_400_000, $"MEMORY USAGE {usage}");
        Assert.NotNull(await Find("+14159999999"));
    }

    [Fact]
    public async Task A_missing_index_fails_closed_instead_of_answering_not_suppressed()
    {
        await _index.MarkStaleAsync(_tenant, _list);

        var e = await Assert.ThrowsAsync<SuppressionIndexUnavailableException>(() => Find("+14155552671"));
        Assert.Equal(_list, e.ListId);
    }

    [Fact]
    public async Task A_rebuild_keeps_answering_and_loses_no_write_made_while_it_runs()
    {
        var snapshot = Enumerable.Range(0, 20_000).Select(i => Phone($"+1212555{i % 10_000:0000}".Replace("+1212", i < 10_000 ? "+1212" : "+1312"))).ToList();
        await _index.AddAsync(_tenant, _list, snapshot, Now);
        var removedLater = snapshot[5].Value;
        var timedLater = snapshot[6].Value;

        await _index.BeginRebuildAsync(_tenant, _list, 2);
        var loading = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var load = _index.LoadAsync(_tenant, _list, 2, Slow(snapshot, loading, release), Now, CancellationToken.None);
        await loading.Task;

        // Halfway through the load: the old index still answers, and writes land in both versions.
        Assert.NotNull(await Find(snapshot[15_000].Value));
        var added = Enumerable.Range(0, 500).Select(i => Phone($"+1415555{i:0000}")).ToList();
        await Task.WhenAll(added.Chunk(50).Select(c => _index.AddAsync(_tenant, _list, c, Now)));
        await _index.RemoveAsync(_tenant, _list, [("phone", removedLater)]);
        await _index.AddAsync(_tenant, _list, [Phone(timedLater, expires: Now.AddMinutes(-1))], Now);
        release.SetResult();

        Assert.Equal(20_000, await load);
        Assert.True(await _index.SwitchAsync(_tenant, _list, 2));

        Assert.Equal(2, await _index.VersionAsync(_tenant, _list));
        Assert.Null(await _index.BuildingAsync(_tenant, _list));
        foreach (var e in added) Assert.NotNull(await Find(e.Value));
        Assert.NotNull(await Find(snapshot[0].Value));
        Assert.NotNull(await Find(snapshot[19_999].Value));
        // The snapshot still had these as permanent; the newer writes win.
        Assert.Null(await Find(removedLater));
        Assert.Null(await Find(timedLater));
        var keys = _redis.GetServer(_redis.GetEndPoints()[0]).Keys(pattern: _index.BaseKey(_tenant, _list) + "b*").ToList();
        Assert.Empty(keys);
    }

    [Fact]
    public async Task Whole_bitmaps_join_the_bits_already_there()
    {
        await _index.AddAsync(_tenant, _list, [Phone("+14155550001"), Phone("+14155550002", expires: Now.AddDays(1))], Now);
        var numbers = new NanpNumbers();
        foreach (var n in new[] { "+14155550003", "+14155559999", "+12125550000", "+14155550003" }) numbers.Add(n);
        Assert.Equal(3, numbers.Seal());

        await _index.AddNanpAsync(_tenant, _list, numbers, CancellationToken.None);

        foreach (var n in new[] { "+14155550001", "+14155550002", "+14155550003", "+14155559999", "+12125550000" }) Assert.NotNull(await Find(n));
        Assert.Null(await Find("+14155550004"));
        Assert.Null(await Find("+12125550001"));
        Assert.Null(await Find("+14155550002", at: Now.AddDays(2)));
    }

    [Fact]
    public async Task While_a_rebuild_runs_whole_bitmaps_go_number_by_number_and_survive_the_switch()
    {
        await _index.AddAsync(_tenant, _list, [Phone("+14155550001")], Now);
        await _index.BeginRebuildAsync(_tenant, _list, 2);
        var numbers = new NanpNumbers();
        numbers.Add("+14155550005");
        numbers.Seal();

        await _index.AddNanpAsync(_tenant, _list, numbers, CancellationToken.None);
        // The rebuild's snapshot was taken before: it has only the first number.
        await _index.LoadAsync(_tenant, _list, 2, Items([Phone("+14155550001")]), Now, CancellationToken.None);
        Assert.True(await _index.SwitchAsync(_tenant, _list, 2));

        Assert.NotNull(await Find("+14155550001"));
        Assert.NotNull(await Find("+14155550005"));
    }

    [Fact]
    public async Task A_superseded_rebuild_cannot_switch_and_the_newer_one_wins()
    {
        await _index.AddAsync(_tenant, _list, [Phone("+14155550010")], Now);
        await _index.BeginRebuildAsync(_tenant, _list, 2);
        await _index.BeginRebuildAsync(_tenant, _list, 3);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _index.LoadAsync(_tenant, _list, 2, Items([Phone("+14155550010")]), Now, CancellationToken.None));
        Assert.False(await _index.SwitchAsync(_tenant, _list, 2));
        await _index.LoadAsync(_tenant, _list, 3, Items([Phone("+14155550010")]), Now, CancellationToken.None);
        Assert.True(await _index.SwitchAsync(_tenant, _list, 3));
        Assert.NotNull(await Find("+14155550010"));
        Assert.Equal(3, await _index.VersionAsync(_tenant, _list));
    }

    private static async IAsyncEnumerable<SuppressionEntry> Slow(List<SuppressionEntry> items, TaskCompletionSource halfway, TaskCompletionSource release)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i == items.Count / 2)
            {
                halfway.SetResult();
                await release.Task;
            }
            yield return items[i];
        }
    }

    private static async IAsyncEnumerable<SuppressionEntry> Items(IEnumerable<SuppressionEntry> items)
    {
        await Task.CompletedTask;
        foreach (var i in items) yield return i;
    }
}
