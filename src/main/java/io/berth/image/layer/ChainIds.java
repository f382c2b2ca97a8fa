package io.berth.image.layer;

import java.util.ArrayList;
import java.util.List;

import io.berth.content.Digest;

/**
 * Chain IDs name a stack of layers rather than one layer: {@code ChainID(L0) = DiffID(L0)} and
 * {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))}.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/config.md#layer-chainid">OCI ChainID</a>
 */
public final class ChainIds {

	private ChainIds() {
	}

	/** The chain ID of each prefix of the stack, lowest first. */
	public static List<Digest> of(List<Digest> diffIds) {
		List<Digest> out = new ArrayList<>();
		Digest chain = null;
		for (Digest d : diffIds) {
			chain = (chain == null) ? d : Digest.of(chain.value() + " " + d.value());
			out.add(chain);
		}
		return out;
	}

}
