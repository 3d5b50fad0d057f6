using System.Buffers;
using Newtonsoft.Json;
using Orleans.Serialization;
using Orleans.Storage;

namespace CxContact.Server.Platform.Storage;

/// <summary>
/// How grain state is written to <c>orleans_grain_state.payload</c>: a 4-byte marker, then the Orleans binary
/// serializer, which our <c>[GenerateSerializer]</c> state types already support and which always builds new objects.
/// <para>
/// Why not Orleans' default (Newtonsoft JSON): its default object creation reuses the objects a fresh state already
/// holds, so a property initialised from a static (<c>Counts = ListCounts.Empty</c>) is filled in place, and every
/// activation of every list would share, and overwrite, that one instance.
/// </para>
/// <para>
/// Rows that hold Orleans' JSON are read too, with <see cref="ObjectCreationHandling.Replace"/> so nothing is shared,
/// and become binary on the grain's next write. JSON text never starts with a NUL byte, which
/// is how the two are told apart.
/// </para>
/// </summary>
public sealed class GrainStateSerializer(Serializer orleans, IServiceProvider services) : IGrainStorageSerializer
{
    private static ReadOnlySpan<byte> Marker => [0x00, (byte)'C', (byte)'X', 0x01];

    private readonly Lazy<JsonSerializerSettings> _legacy = new(() =>
    {
        var settings = OrleansJsonSerializerSettings.GetDefaultSerializerSettings(services);
        settings.ObjectCreationHandling = ObjectCreationHandling.Replace;
        return settings;
    });

    public BinaryData Serialize<T>(T? input)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(Marker);
        orleans.Serialize(input, buffer);
        return new BinaryData(buffer.WrittenMemory);
    }

    public T Deserialize<T>(BinaryData input)
    {
        var bytes = input.ToMemory();
        if (bytes.Span.StartsWith(Marker)) return orleans.Deserialize<T>(bytes[Marker.Length..])!;
        return JsonConvert.DeserializeObject<T>(input.ToString(), _legacy.Value)
            ?? throw new InvalidOperationException($"The stored {typeof(T).Name} is empty JSON");
    }
}
