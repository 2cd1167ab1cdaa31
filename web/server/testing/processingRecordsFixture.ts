/** A business's records of processing as PUT /v1/businesses/{id}/records takes them, for tests. */
export const RECORDS = {
  controller: { name: 'Aer Skyways DAC', address: '1 Airport Road, Dublin', contact: 'privacy@aer.example' },
  dpo: { name: 'Jane Doe', email: 'dpo@aer.example' },
  purposes: [
    { id: 'customer_care', description: 'Answering customers\' messages', legal_basis: 'contract', retention_days: 365 },
    { id: 'marketing', description: 'Campaign messages to customers who opted in', legal_basis: 'consent', retention_days: 180 },
  ],
  whatsapp_numbers: [{ phone_number_id: '106540352242922', data_localization_region: 'DE' }],
};
