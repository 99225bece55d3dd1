internal import ShieldCore

/// The pinning rules, shared by every ``ContractStore``: given the pins of one server and kind
/// and what the server now announces, the pins to write and what was found.
enum PinLedger {
    static func reconcile(
        existing: [ContractPin], firstUse: Bool, serverKey: String, kind: Contract.Kind, contracts: [Contract], untrusted: Set<String>,
        complete: Bool, now: Int64
    ) -> (writes: [ContractPin], observation: ContractObservation) {
        var observation = ContractObservation()
        observation.firstUse = firstUse
        var byName: [String: ContractPin] = [:]
        for pin in existing { byName[pin.name] = pin }
        var writes: [ContractPin] = []
        var announced = Set<String>()
        for contract in contracts where announced.insert(contract.name).inserted {
            var pin =
                byName[contract.name]
                ?? ContractPin(
                    serverKey: serverKey, kind: kind, name: contract.name, approved: nil, observed: contract.canonicalText,
                    approvedMilliseconds: nil, observedMilliseconds: now, removedMilliseconds: nil)
            let isNew = byName[contract.name] == nil
            if isNew, firstUse, !untrusted.contains(contract.name) {
                pin.approved = contract.canonicalText
                pin.approvedMilliseconds = now
            }
            if isNew || pin.observed != contract.canonicalText || pin.removedMilliseconds != nil {
                pin.observed = contract.canonicalText
                pin.observedMilliseconds = now
                pin.removedMilliseconds = nil
                writes.append(pin)
            }
            observation.status[contract.name] = pin.status
        }
        if complete {
            for pin in existing where !announced.contains(pin.name) && pin.removedMilliseconds == nil {
                var removed = pin
                removed.removedMilliseconds = now
                writes.append(removed)
                observation.removed.append(pin.name)
            }
        }
        observation.removed.sort()
        return (writes, observation)
    }

    /// Approving `pin`: its announced definition becomes the approved one.
    static func approved(_ pin: ContractPin, now: Int64) -> ContractPin {
        var pin = pin
        pin.approved = pin.observed
        pin.approvedMilliseconds = now
        return pin
    }
}
