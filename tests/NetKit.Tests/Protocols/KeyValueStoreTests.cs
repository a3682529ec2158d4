using System.Text;
using NetKit.KeyValue;

namespace NetKit.Tests.Protocols;

public class KeyValueStoreTests
{
    [Fact]
    public void SetGetRemoveClear()
    {
        var store = new KeyValueStore();

        Assert.False(store.TryGet("k"u8, out _));
        store.Set("k"u8, "v"u8);
        store.Set("other"u8, "x"u8);
        Assert.True(store.TryGet("k"u8, out byte[] value));
        Assert.Equal("v"u8.ToArray(), value);
        Assert.Equal(2, store.Count);

        Assert.True(store.Remove("k"u8));
        Assert.False(store.Remove("k"u8));
        Assert.False(store.TryGet("k"u8, out _));
        Assert.Equal(1, store.Count);

        store.Clear();
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void StoresCopiesOfKeyAndValue()
    {
        var store = new KeyValueStore();
        byte[] key = "key"u8.ToArray();
        byte[] value = "value"u8.ToArray();

        store.Set(key, value);
        key[0] = (byte)'X';
        value[0] = (byte)'X';

        Assert.True(store.TryGet("key"u8, out byte[] stored));
        Assert.Equal("value"u8.ToArray(), stored);
    }

    [Fact]
    public void OverwriteDoesNotModifyAValueAlreadyHandedOut()
    {
        var store = new KeyValueStore();
        store.Set("k"u8, "aaaa"u8);
        store.TryGet("k"u8, out byte[] before);

        store.Set("k"u8, "bbbb"u8);

        Assert.Equal("aaaa"u8.ToArray(), before);
        Assert.True(store.TryGet("k"u8, out byte[] after));
        Assert.Equal("bbbb"u8.ToArray(), after);
    }

    [Fact]
    public void EmptyKeyAndBinaryKeysWork()
    {
        var store = new KeyValueStore();
        store.Set([], "empty"u8);
        store.Set([0, 255, 0], "binary"u8);

        Assert.True(store.TryGet([], out byte[] empty));
        Assert.Equal("empty"u8.ToArray(), empty);
        Assert.True(store.TryGet([0, 255, 0], out byte[] binary));
        Assert.Equal("binary"u8.ToArray(), binary);
        Assert.False(store.TryGet([0, 255], out _));
    }

    [Fact]
    public void ConcurrentSetAndGetNeverSeeTornValues()
    {
        var store = new KeyValueStore();
        const int Keys = 16;
        const int Workers = 8;
        const int Iterations = 5_000;

        Parallel.For(0, Workers, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                byte[] key = Encoding.ASCII.GetBytes($"key{(worker + i) % Keys}");
                // Each value repeats one digit: a torn read would mix digits or lengths.
                byte digit = (byte)('0' + (i % 10));
                byte[] value = Enumerable.Repeat(digit, 1 + (i % 50)).ToArray();
                store.Set(key, value);

                if (store.TryGet(Encoding.ASCII.GetBytes($"key{i % Keys}"), out byte[] read))
                {
                    Assert.NotEmpty(read);
                    Assert.All(read, b => Assert.Equal(read[0], b));
                }
            }
        });

        Assert.Equal(Keys, store.Count);
    }

    [Fact]
    public void ComparerAgreesBetweenArraysAndSpans()
    {
        ByteArrayKeyComparer comparer = ByteArrayKeyComparer.Instance;
        byte[] key = "some key"u8.ToArray();

        Assert.True(comparer.Equals(key, "some key"u8.ToArray()));
        Assert.False(comparer.Equals(key, "some kez"u8.ToArray()));
        Assert.False(comparer.Equals(key, null));
        Assert.True(comparer.Equals(null, null));
        Assert.Equal(comparer.GetHashCode(key), comparer.GetHashCode("some key"u8));
        Assert.True(comparer.Equals("some key"u8, key));
        Assert.Equal(key, comparer.Create("some key"u8));
    }
}
