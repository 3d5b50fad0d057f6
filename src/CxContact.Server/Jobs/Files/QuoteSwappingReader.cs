namespace CxContact.Server.Jobs.Files;

/// <summary>
/// Sep only knows the double quote. For a file quoted with another character, this reader swaps that character
/// and '"' as the text streams through, so Sep parses it; values are swapped back after unescaping.
/// </summary>
public sealed class QuoteSwappingReader(TextReader inner, char quote) : TextReader
{
    public override int Read(Span<char> buffer)
    {
        var n = inner.Read(buffer);
        Swap(buffer[..n], quote);
        return n;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read()
    {
        var c = inner.Read();
        return c == quote ? '"' : c == '"' ? quote : c;
    }

    public override int Peek()
    {
        var c = inner.Peek();
        return c == quote ? '"' : c == '"' ? quote : c;
    }

    public static void Swap(Span<char> text, char quote)
    {
        for (var i = 0; i < text.Length; i++)
            if (text[i] == quote) text[i] = '"';
            else if (text[i] == '"') text[i] = quote;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
