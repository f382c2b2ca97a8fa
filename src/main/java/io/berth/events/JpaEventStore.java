package io.berth.events;

import java.util.List;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.data.domain.PageRequest;
import org.springframework.transaction.support.TransactionTemplate;

/** Keeps events in the engine database, at most {@link EventsProperties#maxStored()} of them. */
@Component
class JpaEventStore implements EventStore {

	private final StoredEventRepository repository;

	private final TransactionTemplate transactions;

	private final int maxStored;

	JpaEventStore(StoredEventRepository repository, PlatformTransactionManager transactionManager,
			EventsProperties properties) {
		this.repository = repository;
		this.transactions = new TransactionTemplate(transactionManager);
		// An event records what already happened: it must not vanish when the publisher's own transaction rolls back.
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.maxStored = properties.maxStored();
	}

	@Override
	public long append(EngineEvent event) {
		Long id = this.transactions.execute((status) -> {
			long stored = this.repository.save(new StoredEvent(event)).id();
			// IDs grow by one per event, so this keeps the newest maxStored; a gap only keeps fewer.
			this.repository.deleteUpTo(stored - this.maxStored);
			return stored;
		});
		return (id != null) ? id : 0;
	}

	@Override
	public List<EngineEvent> read(long sinceNano, long untilNano, long upTo) {
		return this.repository.findRange(sinceNano, untilNano, upTo).stream().map(StoredEvent::toEvent).toList();
	}

	@Override
	public List<Sequenced> readNewest(long sinceNano, long untilNano, long before, int limit) {
		return this.repository.findNewestBefore(sinceNano, untilNano, before, PageRequest.of(0, limit))
			.stream()
			.map((e) -> new Sequenced(e.id(), e.toEvent()))
			.toList();
	}

	@Override
	public long lastSequence() {
		return this.repository.maxId();
	}

}
