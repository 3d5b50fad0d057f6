using CxContact.Core.Lists;
using CxContact.Server.Lists;
using CxContact.Server.Platform.Storage;
using CxContact.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace CxContact.Server.Tests.Grains;

/// <summary>
/// Grain state is stored with the Orleans serializer behind a marker; rows the old JSON serializer wrote still read,
/// and no read shares an object with another.
/// </summary>
public sealed class GrainStateSerializerTests(GrainCluster cluster) : IClassFixture<GrainCluster>
{
    private GrainStateSerializer Ours => new(cluster.SiloServices.GetRequiredService<Serializer>(), cluster.SiloServices);

    [Fact]
    public void Rows_written_as_json_before_read_back_each_with_its_own_counts()
    {
        // Orleans' own default (Newtonsoft JSON) is what wrote every row before this serializer.
        var json = cluster.SiloServices.GetRequiredService<IGrainStorageSerializer>();
        Assert.IsType<JsonGrainStorageSerializer>(json);
        var a = State("A", 3, "America/New_York");
        var b = State("B", 12, "America/Chicago");
        var storedA = json.Serialize(a);
        var storedB = json.Serialize(b);
        Assert.Equal((byte)'{', storedA.ToMemory().Span[0]);

        var readA = Ours.Deserialize<ContactListGrain.State>(storedA);
        var readB = Ours.Deserialize<ContactListGrain.State>(storedB);

        Assert.Equal(3, readA.Counts.Records);
        Assert.Equal(12, readB.Counts.Records);
        Assert.Equal(["America/New_York"], readA.Counts.ByTimeZone.Keys);
        Assert.Equal(["America/Chicago"], readB.Counts.ByTimeZone.Keys);
        Assert.Empty(ListCounts.Empty.ByTimeZone);
    }

    [Fact]
    public void State_round_trips_through_the_orleans_serializer_behind_its_marker()
    {
        var stored = Ours.Serialize(State("C", 7, "Europe/London"));
        Assert.Equal(new byte[] { 0x00, (byte)'C', (byte)'X', 0x01 }, stored.ToMemory()[..4].ToArray());

        var first = Ours.Deserialize<ContactListGrain.State>(stored);
        var second = Ours.Deserialize<ContactListGrain.State>(stored);
        Assert.Equal("C", first.Name);
        Assert.Equal(7, first.Counts.Records);
        Assert.Equal(7, first.Counts.ByTimeZone["Europe/London"]);
        Assert.NotSame(first.Counts, second.Counts);
    }

    private static ContactListGrain.State State(string name, long records, string zone) => new()
    {
        Exists = true, Name = name, CreatedAt = DateTimeOffset.UnixEpoch,
        Counts = new ListCounts(records, records, 0, new Dictionary<string, long> { [zone] = records }, new Dictionary<string, long> { ["mobile"] = records }),
    };
}
