namespace NetKit.KeyValue;

/// <summary>
/// Redis's CRC-64 (the Jones polynomial 0xad93d23594c935a9, reflected, initial value 0, no final xor), which
/// ends every DUMP payload. System.IO.Hashing's Crc64 is the ECMA-182 variant, a different checksum.
/// </summary>
internal static class Crc64Jones
{
    private const ulong ReflectedPolynomial = 0x95ac9329ac4bc9b5;
    private static readonly ulong[] Table = CreateTable();

    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        ulong crc = 0;
        foreach (byte b in data)
        {
            crc = Table[(byte)(crc ^ b)] ^ (crc >> 8);
        }

        return crc;
    }

    private static ulong[] CreateTable()
    {
        var table = new ulong[256];
        for (int i = 0; i < 256; i++)
        {
            ulong c = (ulong)i;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ ReflectedPolynomial : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
